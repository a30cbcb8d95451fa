/**
 * fabric-network logs every refused proposal with a stack trace to the
 * console; swledger reports those as typed errors instead. Unless the user
 * set HFC_LOGGING, keep only fatal messages. Imported before fabric-network.
 */
process.env.HFC_LOGGING ??= '{"fatal":"console"}';
export {};
