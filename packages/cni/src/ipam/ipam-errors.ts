import { CNI_ERROR_CODES, CniError } from '../cni-error.js';

/** Every host address of the pod CIDR (but the router's) is allocated. */
export class IpamExhaustedError extends CniError {
  constructor(
    readonly podCIDR: string,
    readonly ipamDir: string,
    readonly allocated: number,
  ) {
    super(
      CNI_ERROR_CODES.IPAM_EXHAUSTED,
      `IPAM: no free address in podCIDR ${podCIDR} (${allocated} allocated in ${ipamDir})`,
      'DEL the containers that are gone (or widen podCIDR): each allocation is one file named after its address',
    );
    this.name = 'IpamExhaustedError';
  }
}

/** The IPAM directory cannot be read or written. */
export class IpamIoError extends CniError {
  constructor(
    readonly path: string,
    readonly operation: string,
    cause: unknown,
  ) {
    super(CNI_ERROR_CODES.IO_FAILURE, `IPAM: ${operation} ${path} failed: ${(cause as Error).message}`, undefined, { cause });
    this.name = 'IpamIoError';
  }
}
