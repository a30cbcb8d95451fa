import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InterfaceAbi } from 'ethers';

/** The compiled anchor contract (scripts/compile.js writes it at build time with the pinned solc). */
export interface ContractArtifact {
  readonly contractName: string;
  readonly compiler: string;
  readonly abi: InterfaceAbi;
  readonly bytecode: string;
  readonly deployedBytecode: string;
}

/** Path of the artifact, the same from src/ (tests) and dist/. */
export const ARTIFACT_FILE = join(__dirname, '..', 'dist', 'SwlAnchor.json');

let cached: ContractArtifact | undefined;

/** @throws Error when the contract was not compiled (run the build) */
export function artifact(): ContractArtifact {
  if (cached === undefined) {
    try {
      cached = JSON.parse(readFileSync(ARTIFACT_FILE, 'utf8')) as ContractArtifact;
    } catch (err) {
      throw new Error(`the anchor contract is not compiled (${ARTIFACT_FILE}): run npm run build`, {
        cause: err,
      });
    }
  }
  return cached;
}
