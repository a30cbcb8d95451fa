import { type Leaf } from '@swledger/anchor';

/**
 * The n-th leaf of a test ledger: a SUBMITTED customs declaration of
 * enterprise Alpha whose fingerprint is `n` in hex, registered in block
 * `firstBlock + n`.
 */
export function leaf(n: number, overrides: Partial<Leaf> = {}, firstBlock = 0): Leaf {
  return {
    sha256: n.toString(16).padStart(64, '0'),
    type: 'CUSTOMS_DECLARATION',
    docId: `DEC-${n}`,
    status: 'SUBMITTED',
    issuerMsp: 'EnterpriseMSP',
    owner: '91310000MA1K4A7B2X',
    txId: `tx${n}`,
    block: firstBlock + n,
    ...overrides,
  };
}
