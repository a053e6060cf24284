import { findOutboxEvents } from '../../../../../layers/core/src/store/outbox/find-outbox-events';
import { putOutboxEvents } from '../../../../../layers/core/src/store/outbox/put-outbox-events';
import { forwardEvent } from '../../../../helpers/forward-event-factory';
import { useDynaliteTable } from '../table-fixture';

describe('findOutboxEvents()', () => {
  const db = useDynaliteTable();

  it('finds outbox entries naming the session or the user across every shard, and only those', async () => {
    const mine = Array.from({ length: 12 }, () => forwardEvent({ sessionId: 'AAAAAAAAAAAAAAAAAAAAAA' }));
    const byUser = forwardEvent({ sessionId: 'BBBBBBBBBBBBBBBBBBBBBB', userId: 'outbox-user' });
    const others = Array.from({ length: 8 }, () => forwardEvent({ sessionId: 'CCCCCCCCCCCCCCCCCCCCCC', userId: 'outbox-user-2' }));
    await putOutboxEvents(db().table, [...mine, byUser, ...others], 395);
    expect(await findOutboxEvents(db().table, { sessionId: 'AAAAAAAAAAAAAAAAAAAAAA' })).toHaveLength(12);
    expect(await findOutboxEvents(db().table, { userId: 'outbox-user' })).toHaveLength(1);
    expect(await findOutboxEvents(db().table, { sessionId: 'AAAAAAAAAAAAAAAAAAAAAA', userId: 'outbox-user' })).toHaveLength(13);
    // A user id that is a prefix of another matches only itself: the JSON quotes bound it.
    expect(await findOutboxEvents(db().table, { userId: 'outbox' })).toEqual([]);
    expect(await findOutboxEvents(db().table, {})).toEqual([]);
  });
});
