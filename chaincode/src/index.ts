import { SystemContract } from './contract/system';

/** Contracts served by the swledger chaincode; the first is the default. */
export const contracts = [SystemContract];
