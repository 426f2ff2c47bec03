/** Package version, kept in step with package.json. */
export const version = '0.2.0';
