import type { Command } from 'commander';
import {
  accountSlugSchema,
  emailSchema,
  personNameSchema,
  resourceIdSchema,
  roleSchema,
} from '../../directory/directory.schemas.js';
import { out, parseOption, withServices } from '../cli-context.js';

/** Standalone mode: users, accounts and memberships (SPEC §7). */
export function registerDirectoryCommands(program: Command): void {
  const users = program.command('users').description('users of the standalone service');
  users
    .command('add')
    .description('create a user; prints its id')
    .requiredOption('--email <email>')
    .option('--name <name>')
    .action(async (options: { email: string; name?: string }) => {
      const email = parseOption('--email', emailSchema, options.email);
      const name = options.name === undefined ? undefined : parseOption('--name', personNameSchema, options.name);
      const user = await withServices(async (services) => (await services.directory()).createUser({ email, name }));
      out.data(String(user.id));
      out.info(`created user ${user.email}`);
    });
  users
    .command('list')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const list = await withServices(async (services) => (await services.directory()).listUsers());
      out.table(options.json, list, () =>
        list.map((user) => [user.id, user.email, user.name ?? '', user.disabledAt ? 'disabled' : 'active'].join('\t')),
      );
    });
  for (const [verb, description] of [
    ['disable', 'disable a user and every token it holds'],
    ['delete', 'delete a user (its sessions go with it) and disable its tokens'],
  ] as const) {
    users
      .command(verb)
      .description(description)
      .requiredOption('--email <email>')
      .action(async (options: { email: string }) => {
        const email = parseOption('--email', emailSchema, options.email);
        const result = await withServices(async (services) => {
          const user = await (await services.directory()).getUser({ email });
          const admin = await services.admin();
          return verb === 'disable' ? admin.disableUser(user.id) : admin.deleteUser(user.id);
        });
        out.info(`${verb === 'disable' ? 'disabled' : 'deleted'} ${email}; ${result.tokensDisabled} token(s) disabled`);
      });
  }

  const accounts = program.command('accounts').description('accounts (tenants)');
  accounts
    .command('add')
    .description('create an account; prints its id')
    .requiredOption('--name <name>')
    .requiredOption('--slug <slug>')
    .action(async (options: { name: string; slug: string }) => {
      const input = {
        name: parseOption('--name', personNameSchema, options.name),
        slug: parseOption('--slug', accountSlugSchema, options.slug),
      };
      const account = await withServices(async (services) => (await services.directory()).createAccount(input));
      out.data(String(account.id));
      out.info(`created account ${account.slug}`);
    });
  accounts
    .command('list')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const list = await withServices(async (services) => (await services.directory()).listAccounts());
      out.table(options.json, list, () => list.map((account) => [account.id, account.slug, account.name].join('\t')));
    });

  const members = program.command('members').description("users' roles in accounts");
  members
    .command('add')
    .description("give a user a role in an account (replaces the user's role there)")
    .requiredOption('--user <email>')
    .requiredOption('--account <slug>')
    .requiredOption('--role <role>')
    .action(async (options: { user: string; account: string; role: string }) => {
      const slug = parseOption('--account', accountSlugSchema, options.account);
      const input = {
        email: parseOption('--user', emailSchema, options.user),
        role: parseOption('--role', roleSchema, options.role),
      };
      await withServices(async (services) => (await services.directory()).setMembership(slug, input));
      out.info(`${input.email} is ${input.role} in ${slug}`);
    });
  members
    .command('remove')
    .requiredOption('--user <email>')
    .requiredOption('--account <slug>')
    .action(async (options: { user: string; account: string }) => {
      const slug = parseOption('--account', accountSlugSchema, options.account);
      const email = parseOption('--user', emailSchema, options.user);
      await withServices(async (services) => (await services.directory()).removeMembership(slug, email));
      out.info(`${email} is no longer a member of ${slug}`);
    });
  members
    .command('list')
    .option('--account <slug>')
    .option('--json', 'print JSON')
    .action(async (options: { account?: string; json?: boolean }) => {
      const accountSlug = options.account === undefined ? undefined : parseOption('--account', accountSlugSchema, options.account);
      const list = await withServices(async (services) => (await services.directory()).listMemberships({ accountSlug }));
      out.table(options.json, list, () => list.map((member) => [member.accountSlug, member.email, member.role].join('\t')));
    });

  const resources = program.command('resources').description("an account's resources, for permission checks with resource_id");
  for (const [verb, description] of [
    ['add', 'register a resource of the account'],
    ['remove', 'remove a resource of the account'],
  ] as const) {
    resources
      .command(verb)
      .description(description)
      .requiredOption('--account <slug>')
      .requiredOption('--id <resource>')
      .action(async (options: { account: string; id: string }) => {
        const slug = parseOption('--account', accountSlugSchema, options.account);
        const resource = parseOption('--id', resourceIdSchema, options.id);
        await withServices(async (services) => {
          const directory = await services.directory();
          return verb === 'add' ? directory.addResource(slug, resource) : directory.removeResource(slug, resource);
        });
        out.info(`${verb === 'add' ? 'added' : 'removed'} ${resource} ${verb === 'add' ? 'to' : 'from'} ${slug}`);
      });
  }
  resources
    .command('list')
    .requiredOption('--account <slug>')
    .option('--json', 'print JSON')
    .action(async (options: { account: string; json?: boolean }) => {
      const slug = parseOption('--account', accountSlugSchema, options.account);
      const list = await withServices(async (services) => (await services.directory()).listResources(slug));
      out.table(options.json, list, () => list);
    });
}
