import type { InvokeRequest, InvokeResponse } from '../../../shared/ipc/contract';
import type { Handlers } from '../../../shared/ipc/dispatch';
import type { Instance } from '../../../shared/model/instance';
import { toPortholeError, type AwsErrorContext } from '../aws/errors';
import type { AwsService } from '../aws/clients';

/** What the handlers need from the inventory (InventoryService provides it). */
export interface InventoryPort {
  list(query: { profile: string; region: string }): Promise<readonly Instance[]>;
  listRegions(query: { profile: string }): Promise<readonly string[]>;
}

export interface AppInfo {
  readonly version: string;
  readonly host: 'electron' | 'web';
  readonly endpointUrl?: string;
}

export interface HandlerDeps {
  readonly inventory: InventoryPort;
  /** The user's profiles from ~/.aws/config and ~/.aws/credentials (names and kinds only, never keys). */
  readonly listProfiles: () => Promise<InvokeResponse<'profiles.list'>>;
  readonly appInfo: AppInfo;
  /** Where calls to a service go, for error messages; optional. */
  readonly endpointFor?: (service: AwsService, region: string) => string;
  readonly now?: () => Date;
}

/** The contract's handler map, independent of the host (Electron main or the web host). */
export function createHandlers(deps: HandlerDeps): Handlers {
  const now = deps.now ?? (() => new Date());

  async function aws<T>(context: AwsErrorContext, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw toPortholeError(e, context);
    }
  }

  const endpoint = (service: AwsService, region: string) => deps.endpointFor?.(service, region);

  return {
    invoke: {
      'app.info': () => ({
        version: deps.appInfo.version,
        host: deps.appInfo.host,
        ...(deps.appInfo.endpointUrl ? { endpointUrl: deps.appInfo.endpointUrl } : {}),
      }),
      'profiles.list': () => aws({ profile: '(all)', operation: 'ListProfiles' }, () => deps.listProfiles()),
      'regions.list': async ({ profile }: InvokeRequest<'regions.list'>) => {
        const regions = await aws(
          { profile, operation: 'DescribeRegions', endpoint: endpoint('ec2', 'us-east-1') },
          () => deps.inventory.listRegions({ profile }),
        );
        return { regions: [...regions] };
      },
      'inventory.list': async ({ profile, region }) => {
        const instances = await aws(
          { profile, region, operation: 'DescribeInstanceInformation', endpoint: endpoint('ssm', region) },
          () => deps.inventory.list({ profile, region }),
        );
        return { instances: [...instances], fetchedAt: now().toISOString() };
      },
    },
    send: {},
  };
}
