// Vite bundles CSS imported from TypeScript into the build's stylesheet.
declare module '*.css';
