import { type Context } from 'fabric-contract-api';
import { type Actor } from '@swledger/protocol/actor';

/** Certificate attribute naming the caller's role. */
export const ROLE_ATTRIBUTE = 'swl.role';

/** Certificate attribute naming an enterprise user's USCC. */
export const ENTITY_ATTRIBUTE = 'swl.entity';

/** The caller as its certificate describes it: MSP ID, `swl.role`, `swl.entity`, subject. */
export function actorOf(ctx: Context): Actor {
  const identity = ctx.clientIdentity;
  const entity = identity.getAttributeValue(ENTITY_ATTRIBUTE);
  return {
    msp: identity.getMSPID(),
    role: identity.getAttributeValue(ROLE_ATTRIBUTE) ?? '',
    ...(entity === null || entity === '' ? {} : { entity }),
    id: identity.getID(),
  };
}
