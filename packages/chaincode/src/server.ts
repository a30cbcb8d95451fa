import { filterLogRecordsBeforeFormatting } from './quietlog';

/**
 * The chaincode server's entry (`main` of the package, which
 * `fabric-chaincode-node server --module-path` loads): the contracts, with
 * the shim's logging made cheap first. Importers of `@swledger/chaincode`
 * get `index.ts` and no side effect.
 */
filterLogRecordsBeforeFormatting();

export { contracts } from './index';
