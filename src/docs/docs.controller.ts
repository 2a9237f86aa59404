/**
 * Serves the contract (openapi/hris-gateway.yaml) and a readable reference of it at /docs.
 * The reference is Swagger UI served from the installed swagger-ui-dist package: nothing is
 * fetched from the internet, so it works offline and under a strict CSP.
 */
import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { type Response } from 'express';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProblemException } from '../common/errors/problem';
import { projectRoot } from '../common/project-root';

const SWAGGER_UI_DIR = join(projectRoot(require.resolve('swagger-ui-dist')));

// Fixed list: a path parameter never becomes a file path.
const ASSETS: Record<string, { file: string; type: string }> = {
  'swagger-ui.css': { file: join(SWAGGER_UI_DIR, 'swagger-ui.css'), type: 'text/css' },
  'swagger-ui-bundle.js': {
    file: join(SWAGGER_UI_DIR, 'swagger-ui-bundle.js'),
    type: 'text/javascript',
  },
};

const INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.yaml',
    dom_id: '#reference',
    deepLinking: true,
    validatorUrl: null,
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>HRIS Gateway API reference</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <noscript>The interactive reference needs JavaScript. The contract itself is at <a href="/openapi.yaml">/openapi.yaml</a>.</noscript>
  <div id="reference"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/init.js"></script>
</body>
</html>
`;

@Controller()
export class DocsController {
  private readonly document = readFileSync(
    join(projectRoot(), 'openapi', 'hris-gateway.yaml'),
    'utf8',
  );

  @Get('openapi.yaml')
  @Header('Content-Type', 'application/yaml; charset=utf-8')
  openapi(): string {
    return this.document;
  }

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return PAGE;
  }

  @Get('docs/assets/:name')
  asset(@Param('name') name: string, @Res() res: Response): void {
    if (name === 'init.js') {
      res.type('text/javascript').send(INIT_SCRIPT);
      return;
    }
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) throw new ProblemException('not_found', `No documentation asset named ${name}.`);
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type(asset.type).sendFile(asset.file);
  }
}
