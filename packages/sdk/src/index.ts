export * from './errors';
export { SwlClient } from './client';
export {
  ProfileOptions,
  ProfileError,
  ProfileErrorCode,
  profileConnectionOptions,
} from './profile';
export {
  LedgerConnection,
  ConnectionOptions,
  SubmitOptions,
  Submitted,
  EvaluateOptions,
  RawChaincodeEvent,
  ProcessedTransaction,
  TransactionStatus,
  Transport,
  TRANSPORTS,
  TRANSPORT_ENV,
  resolveTransport,
} from './connection';
export { openConnection } from './transport';
export { GatewayConnection } from './gateway';
export { EndorsementPlans } from './endorsementplans';
// The fabric-network transport's class: `@swledger/sdk/fabric` (loaded only when that transport is chosen).
export type { FabricNetworkConnection } from './fabric';
export { SystemApi, Ping, NoopRecord } from './system';
export * from './types';
export {
  DocumentsApi,
  DocumentSource,
  fingerprint,
  registrationArgs,
  transitionArgs,
} from './documents';
export { InvoicesApi } from './invoices';
export {
  RemittancesApi,
  RemittanceResult,
  Remittance,
  RemittanceRequest,
  Totals,
} from './remittances';
export {
  CreditApi,
  PolicyInput,
  Recomputation,
  ApprovalDecision,
  BankPolicy,
  LimitDecision,
  MonthAggregate,
  Reason,
} from './credit';
export {
  Approver,
  fileApproverCheckpoint,
  ApproverOptions,
  ApproverCheckpoint,
  ApproverOutcome,
} from './approver';
export { ShipmentsApi, ShipmentView, ShipmentSummary, DeclarationFinancing } from './shipments';
export { GuaranteesApi, GuaranteeApplication } from './guarantees';
export {
  VerifyApi,
  VerifyOptions,
  Verification,
  Check,
  CheckResult,
  USABLE_STATUSES,
} from './verify';
export {
  ProvenanceApi,
  ProvenanceCheck,
  ProvenanceLedger,
  ProvenanceResult,
  TransactionCheck,
  readableKey,
} from './provenance';
export {
  Watcher,
  WatcherOptions,
  WatchAlert,
  WatchCheckpoint,
  fileCheckpoint,
  alertLine,
} from './watch';
export {
  EventStream,
  EventStreamOptions,
  EventSource,
  Checkpoint,
  LedgerEvent,
  CHANGE_EVENT,
} from './events';
export { BindingsApi, Binding, BindingRequest } from './bindings';
export { SignedConnection } from './signedconnection';
export {
  WriteSigner,
  TypedField,
  EnterpriseSigning,
  signWrite,
  domainOf,
  parseSigningSettings,
} from './signer';
export {
  createKeystore,
  writeKeystore,
  openKeystore,
  keystoreAddress,
  protectKeystore,
  newSigningKey,
  KeystoreOptions,
} from './keystore';
export { sha256OfBuffer, sha256OfFile, sha256OfStream, isSha256 } from './hash';
