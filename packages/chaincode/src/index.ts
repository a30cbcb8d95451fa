import { AnchorContract } from './contract/anchor';
import { BindingContract } from './contract/binding';
import { CreditContract } from './contract/credit';
import { DocumentContract } from './contract/document';
import { GuaranteeContract } from './contract/guarantee';
import { InvoiceContract } from './contract/invoice';
import { ProvenanceContract } from './contract/provenance';
import { RemittanceContract } from './contract/remittance';
import { ShipmentContract } from './contract/shipment';
import { SystemContract } from './contract/system';

/** Contracts served by the swledger chaincode; the first is the default. */
export const contracts = [
  SystemContract,
  DocumentContract,
  InvoiceContract,
  GuaranteeContract,
  ProvenanceContract,
  AnchorContract,
  BindingContract,
  RemittanceContract,
  ShipmentContract,
  CreditContract,
];
