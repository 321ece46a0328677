export function Loading() {
  return (
    <main className="page message" aria-busy="true">
      <p className="muted">Loading…</p>
    </main>
  );
}
