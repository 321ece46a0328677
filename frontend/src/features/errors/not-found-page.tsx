import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <main className="page message" data-room-message="page_not_found">
      <div className="card">
        <h1>Page not found</h1>
        <p>There is nothing at this address.</p>
        <div className="actions">
          <Link className="button" to="/">
            Back to home
          </Link>
        </div>
      </div>
    </main>
  );
}
