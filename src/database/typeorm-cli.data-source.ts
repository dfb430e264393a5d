import 'reflect-metadata';
import { loadConfig } from '../config/config.js';
import { createDataSource } from './data-source.js';

/**
 * The DataSource the TypeORM CLI loads (`npm run typeorm -- migration:run|revert|show`): the
 * same configuration, entities and migrations as the server. For the embedded default this
 * starts PGlite; the DataSource's `destroy()`, which the CLI calls, stops it again.
 */
const config = loadConfig(process.env);
export default await createDataSource(config.database, { directory: config.directory });
