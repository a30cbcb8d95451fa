export * from './errors';
export { SwlClient, ClientOptions, localConnectionOptions } from './client';
export {
  LedgerConnection,
  ConnectionOptions,
  SubmitOptions,
  Submitted,
  EvaluateOptions,
  RawChaincodeEvent,
} from './fabric';
export { SystemApi, Ping, NoopRecord } from './system';
