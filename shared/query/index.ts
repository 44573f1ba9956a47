/** The instance query language (see ./README.md): parser, matcher, tag index and completion. */
export * from './syntax';
export * from './match';
export * from './tagIndex';
export * from './suggest';
export { describeQueryError } from './describe';
