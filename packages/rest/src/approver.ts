import { Approver, fileApproverCheckpoint, SwlClient } from '@swledger/sdk';
import type { ConnectionOptions } from '@swledger/sdk/connection';

/**
 * The bank's automated guarantee approver inside its REST service
 * (`SWL_REST_APPROVER=banka:approver1`): follows the event stream as the
 * approver identity from a checkpoint beside the service's database and
 * decides each new application to the bank. A failure to connect or a
 * broken stream is logged and retried after a pause.
 */
export class ApproverService {
  private client: SwlClient | undefined;
  private approver: Approver | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly connectionOptions: () => Promise<ConnectionOptions>,
    private readonly checkpointFile: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Starts following in the background. */
  start(): void {
    this.running = this.loop();
  }

  /** Stops after the event in hand and closes the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.approver?.stop();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        this.client = await SwlClient.open(await this.connectionOptions());
        this.approver = new Approver(this.client, {
          checkpoint: fileApproverCheckpoint(this.checkpointFile),
          log: (line) => this.log(`approver: ${line}`),
        });
        if (this.stopped) break;
        this.log(`approver of ${this.client.mspId} following new applications`);
        await this.approver.run();
      } catch (err) {
        this.log(`approver: ${err instanceof Error ? err.message : String(err)}; retrying in 5 s`);
        await new Promise((r) => setTimeout(r, 5000));
      } finally {
        this.client?.close();
        this.client = undefined;
      }
    }
  }
}
