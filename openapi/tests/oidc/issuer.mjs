// A local OpenID Connect issuer for the gateway's tests: `node issuer.mjs <port>`.
// Tokens come from POST /token (grant_type=client_credentials); the form fields `sub`, `aud` and
// `roles` (a JSON array) become the token's claims. Prints `ready <issuer url>` when listening.
import { OAuth2Server } from 'oauth2-mock-server';

const port = Number(process.argv[2] ?? 0);
const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
server.service.on('beforeTokenSigning', (token, req) => {
  token.payload.sub = req.body.sub ?? 'alice';
  token.payload.aud = req.body.aud ?? 'maxai-api';
  token.payload.roles = JSON.parse(req.body.roles ?? '[]');
});
await server.start(port, '127.0.0.1');
console.log(`ready ${server.issuer.url}`);
