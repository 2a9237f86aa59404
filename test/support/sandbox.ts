/** The Personio sandbox for gateway e2e tests: a small company, limits off unless asked. */
import {
  startSandbox,
  type RunningSandbox,
  type SandboxConfig,
} from '../../connectors/personio/sandbox';

export async function startTestSandbox(config: SandboxConfig = {}): Promise<RunningSandbox> {
  return startSandbox({ seed: 7, employees: 40, rateLimits: false, ...config });
}
