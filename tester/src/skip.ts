// A test that cannot run here, for a reason the user can act on (no operator token, say): the report
// says "Skip <name>: <reason>" and counts it apart; it is not a failure.
export class TestSkipped extends Error {
  override readonly name = 'TestSkipped';
}
