// Nest's two decorators for providers, from their own files: the package's index loads all of
// @nestjs/common and rxjs (some 400 modules), which the CLI does without (cli/cli-services.ts).
// The metadata they write is Nest's own, so the container reads these providers as before.
import 'reflect-metadata';
export { Inject } from '@nestjs/common/decorators/core/inject.decorator.js';
export { Injectable } from '@nestjs/common/decorators/core/injectable.decorator.js';
