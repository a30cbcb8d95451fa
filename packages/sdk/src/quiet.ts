/**
 * fabric-network logs every refused proposal with a stack trace to the
 * console; swledger reports those as typed errors instead. Unless the user
 * set HFC_LOGGING, keep only fatal messages. Imported before fabric-network.
 */
process.env.HFC_LOGGING ??= '{"fatal":"console"}';
export {};

// The chaincode's contract classes (loaded to replay transactions) log every
// decorator at info; keep their warnings only, unless the user chose a level.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'warning';
