/** Where the controllers report; @netledger/runtime's Logger fits. */
export interface ControllerLogger {
  info(msg: string): void;
  error(msg: string): void;
}
