import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Write-unit meter for DynamoDB clients (tests and the benchmark).
 *
 * It adds one AWS SDK v3 middleware that sets `ReturnConsumedCapacity: 'TOTAL'` on every read and
 * write and sums `ConsumedCapacity.CapacityUnits` from the answers.
 *
 * A failed conditional write throws `ConditionalCheckFailedException`, which carries no
 * ConsumedCapacity, yet DynamoDB still charges it ("the amount consumed depends on the size of the
 * existing item, or a minimum of 1"). The meter counts 1 write unit per such failure: exact for
 * our markers and sessions (well under 1 KB), a lower bound for bigger items.
 *
 * What dynalite does (checked with dynalite 4): it returns ConsumedCapacity for successful
 * PutItem, UpdateItem, DeleteItem (sized by the larger of the old and new item, 1 unit per KB, as
 * DynamoDB does) and BatchGetItem (0.5 per 4 KB eventually consistent); for a failed conditional
 * write it returns nothing, like DynamoDB. An endpoint that answers a successful write without
 * ConsumedCapacity is counted in `unmetered`, so a budget test can refuse to pass on missing data.
 * @example
 * const meter = createCapacityMeter();
 * meter.attach(table.client); // a DynamoDBClient or DynamoDBDocumentClient (they share one stack)
 * const { writeUnits } = await meter.measure(() => recordVisit(store, input));
 */

type MiddlewareStack = DynamoDBClient['middlewareStack'];
type Handler = (args: { input: object }) => Promise<{ output: object }>;
type InitializeMiddleware = (next: Handler, context: { commandName?: string }) => Handler;
/** The one `add` overload used here (the SDK's overloads do not resolve from a structural middleware type). */
type InitializeStack = { add(middleware: InitializeMiddleware, options: { step: 'initialize'; name: string; override: boolean }): void };

const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const READ_OPERATIONS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);

export interface MeteredOperation {
  readonly operation: string;
  readonly kind: 'read' | 'write';
  readonly units: number;
  /** True when the units were assumed (a failed conditional write), not reported by the endpoint. */
  readonly conditionFailed: boolean;
}

export interface CapacitySample {
  readonly writeUnits: number;
  readonly readUnits: number;
  readonly operations: readonly MeteredOperation[];
}

export interface CapacityMeter extends CapacitySample {
  /** Failed conditional writes seen (each counted as 1 write unit). */
  readonly conditionalFailures: number;
  /** Successful operations whose answer carried no ConsumedCapacity. */
  readonly unmetered: number;
  /** Adds the middleware to a client's stack; attaching the same client twice is a no-op. */
  attach(client: { middlewareStack: MiddlewareStack }): void;
  reset(): void;
  /** Runs `work` and returns what it consumed (do not run other metered work at the same time). */
  measure<T>(work: () => Promise<T>): Promise<CapacitySample & { result: T }>;
}

const MIDDLEWARE_NAME = 'edgeprintCapacityMeter';

/** `PutItemCommand` and lib-dynamodb's `PutCommand` both name the PutItem operation. */
function operationOf(commandName: unknown): string | undefined {
  if (typeof commandName !== 'string') return undefined;
  const base = commandName.replace(/Command$/, '');
  const aliases: Record<string, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', Get: 'GetItem', BatchWrite: 'BatchWriteItem', BatchGet: 'BatchGetItem', TransactWrite: 'TransactWriteItems', TransactGet: 'TransactGetItems' };
  return aliases[base] ?? base;
}

function sumCapacity(consumed: unknown): number | undefined {
  if (consumed === undefined || consumed === null) return undefined;
  const list = Array.isArray(consumed) ? consumed : [consumed];
  return list.reduce((sum: number, item: { CapacityUnits?: number }) => sum + (item.CapacityUnits ?? 0), 0);
}

/** @example const meter = createCapacityMeter(); meter.attach(client) */
export function createCapacityMeter(): CapacityMeter {
  let operations: MeteredOperation[] = [];
  let unmetered = 0;
  const attached = new WeakSet<MiddlewareStack>();

  const middleware: InitializeMiddleware = (next, context) => async (args) => {
    const operation = operationOf(context.commandName);
    const kind = operation === undefined ? undefined : WRITE_OPERATIONS.has(operation) ? 'write' : READ_OPERATIONS.has(operation) ? 'read' : undefined;
    if (operation === undefined || kind === undefined) return next(args);
    const input = { ...(args.input as Record<string, unknown>), ReturnConsumedCapacity: 'TOTAL' };
    try {
      const result = await next({ ...args, input });
      const units = sumCapacity((result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity);
      if (units === undefined) unmetered += 1;
      else operations.push({ operation, kind, units, conditionFailed: false });
      return result;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') {
        operations.push({ operation, kind, units: 1, conditionFailed: true });
      }
      throw error;
    }
  };

  const sample = (ops: readonly MeteredOperation[]): CapacitySample => ({
    writeUnits: ops.filter((op) => op.kind === 'write').reduce((sum, op) => sum + op.units, 0),
    readUnits: ops.filter((op) => op.kind === 'read').reduce((sum, op) => sum + op.units, 0),
    operations: ops,
  });

  return {
    get writeUnits() {
      return sample(operations).writeUnits;
    },
    get readUnits() {
      return sample(operations).readUnits;
    },
    get operations() {
      return [...operations];
    },
    get conditionalFailures() {
      return operations.filter((op) => op.conditionFailed).length;
    },
    get unmetered() {
      return unmetered;
    },
    attach(client) {
      if (attached.has(client.middlewareStack)) return;
      attached.add(client.middlewareStack);
      (client.middlewareStack as unknown as InitializeStack).add(middleware, { step: 'initialize', name: MIDDLEWARE_NAME, override: true });
    },
    reset() {
      operations = [];
      unmetered = 0;
    },
    async measure(work) {
      const start = operations.length;
      const result = await work();
      return { ...sample(operations.slice(start)), result };
    },
  };
}
