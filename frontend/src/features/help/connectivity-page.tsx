import { Link } from 'react-router';
import deployGuide from '../../../../docs/deploy.md?raw';
import { markdownSection } from './markdown-section.ts';
import './help.css';

// Where "Can't reach the media server" links to: the deploy guide's connectivity section,
// built into the app from docs/deploy.md, so it is the same text and needs no internet.
const section = markdownSection(deployGuide, 'Connectivity') ?? '';

export function ConnectivityPage() {
  return (
    <main className="page help" data-help="connectivity">
      <div className="card">
        <h1>What the network must allow</h1>
        <p>
          Audio and video go straight between your browser and the media server, not through
          the web page&rsquo;s address. When a network (office, hotel, VPN) blocks that path,
          the call shows the other people but no picture or sound. From the deploy guide
          (docs/deploy.md, &ldquo;Connectivity&rdquo;), for whoever runs this server:
        </p>
        <pre className="doc">{section}</pre>
        <div className="actions">
          <Link className="button" to="/">
            Back to home
          </Link>
        </div>
      </div>
    </main>
  );
}
