/**
 * CNI error codes: 1-99 are the spec's well-known codes, 100 and up are this plugin's own
 * (docs/cni.md lists them).
 */
export const CNI_ERROR_CODES = {
  INCOMPATIBLE_VERSION: 1,
  UNSUPPORTED_FIELD: 2,
  UNKNOWN_CONTAINER: 3,
  INVALID_ENVIRONMENT: 4,
  IO_FAILURE: 5,
  DECODE_FAILURE: 6,
  INVALID_CONFIG: 7,
  TRY_AGAIN_LATER: 11,
  /** Every address of the pod CIDR is allocated. */
  IPAM_EXHAUSTED: 100,
  /** An `ip`/`sysctl` step creating or configuring the interfaces failed. */
  INTERFACE_SETUP_FAILED: 101,
  /** Attaching the datapath programs to the host veth failed. */
  PROGRAM_ATTACH_FAILED: 102,
  /** CHECK: the IPAM record or the endpoint registration is missing or names another address. */
  CHECK_STATE: 110,
  /** CHECK: the host veth, its route or its programs are missing or wrong. */
  CHECK_HOST_SIDE: 111,
  /** CHECK: the container interface, its address, routes or neighbour entry are missing or wrong. */
  CHECK_CONTAINER_SIDE: 112,
  /** Anything unexpected (a bug, an error without a better code). */
  INTERNAL: 999,
} as const;

export type CniErrorCode = (typeof CNI_ERROR_CODES)[keyof typeof CNI_ERROR_CODES];

/** A failure the plugin reports to the runtime as CNI error JSON (`code`, `msg`, `details`). */
export class CniError extends Error {
  constructor(
    readonly code: number,
    /** The short message (`msg` in the error JSON). */
    message: string,
    /** Longer context, e.g. a command's stderr (`details` in the error JSON). */
    readonly details?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CniError';
  }
}

/** The error object a CNI plugin prints on stdout when it fails. */
export interface CniErrorResult {
  readonly cniVersion: string;
  readonly code: number;
  readonly msg: string;
  readonly details?: string;
}
