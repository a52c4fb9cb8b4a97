import { readingId } from '../../receiver/src/reading-ids';
import { DEDUP_MEMBER_BYTES, dedupMember } from './dedup-member';

describe('dedupMember', () => {
  const draft = { sensorId: 's-1', metric: 'temperature', value: 99, at: 0 };

  it('when the reading carries a client id, then its member is a short hash, the same for every copy', () => {
    const id = readingId({ ...draft, clientId: '17' });
    const member = dedupMember(id);
    expect(member).toHaveLength(DEDUP_MEMBER_BYTES);
    expect(dedupMember(readingId({ ...draft, clientId: '17' }))).toEqual(member);
    expect(dedupMember(readingId({ ...draft, clientId: '18' }))).not.toEqual(member);
    expect(dedupMember(readingId({ ...draft, clientId: '17', metric: 'humidity' }))).not.toEqual(member);
  });

  it('when the id was assigned by the receiver, then the reading needs no member', () => {
    expect(dedupMember(readingId(draft))).toBeUndefined();
  });
});
