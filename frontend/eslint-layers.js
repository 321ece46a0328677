// The frontend's layers, as bulletproof-react draws them: shared code (adapters, components,
// hooks, services) → features → app → main.tsx. Each layer imports only from the layers before
// it, a feature never from another feature, and the SFU adapters nothing of React (they are
// plain TypeScript over an SFU's client; React stays in the components and hooks above them).
//
// Written with ESLint's own no-restricted-imports (static imports and re-exports) and
// no-restricted-syntax (dynamic import()), on the import specifier. The app has no path
// aliases, so every import of the app's own code is relative: climbing out with `../` and
// stepping into a directory is the only way to reach another layer.
import { readdirSync } from 'node:fs';

const features = readdirSync(new URL('./src/features', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** A relative specifier that climbs out of the importing directory into one of `dirs`. */
const into = (dirs) => `^(?:\\.\\./)+(?:${dirs.join('|')})(?:/|$)`;

const toFeatures = {
  regex: into(['features', 'app']),
  message: 'Shared code (adapters, components, hooks, services) imports no feature and not the app.',
};
const toApp = { regex: into(['app']), message: 'Features do not import the app.' };
const toMain = { regex: into(['main\\.tsx']), message: 'Nothing imports the entry point main.tsx.' };
const toReactCode = {
  regex: `${into(['components', 'hooks', 'features', 'app'])}|\\.tsx$`,
  message: 'SFU adapters import no React: no components, hooks or .tsx modules.',
};
const toOtherFeature = (feature) => ({
  regex: into([`features/(?!${feature}/)[^/]+`, ...features.filter((other) => other !== feature)]),
  message: `A feature imports no other feature (${feature}): move what both need to shared code.`,
});
const reactPackages = {
  group: ['react', 'react/*', 'react-dom', 'react-dom/*', 'react-router', 'react-router/*', '@testing-library/react'],
  message: 'SFU adapters import no React.',
};

/** One config object per directory: rules of overlapping objects would replace each other. */
function layer(files, patterns) {
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns }],
      'no-restricted-syntax': [
        'error',
        ...patterns
          .filter((pattern) => pattern.regex)
          .map(({ regex, message }) => ({
            selector: `ImportExpression > Literal[value=/${regex.replaceAll('/', '\\u002F')}/]`,
            message,
          })),
      ],
    },
  };
}

export const layers = [
  layer(['src/adapters/**'], [toFeatures, toMain, toReactCode, reactPackages]),
  layer(['src/components/**', 'src/hooks/**', 'src/services/**'], [toFeatures, toMain]),
  ...features.map((feature) => layer([`src/features/${feature}/**`], [toApp, toMain, toOtherFeature(feature)])),
  layer(['src/app/**'], [toMain]),
];
