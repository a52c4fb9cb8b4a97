// Access control (README "Access"): tokens, roles, sensor patterns, the token store and its cache,
// the failed-check brake and the express guards both HTTP services use.
export * from './access';
export * from './admin-bootstrap';
export * from './failed-check-limiter';
export * from './sensor-patterns';
export * from './token-request';
export * from './token-store';
export * from './token-verifier';
export * from './tokens';
