import { type HelmetOptions } from 'helmet';
import { type AppConfig } from '../../config/app-config';

/**
 * Security headers for every answer. Pages (the API reference now, the connect page later) load
 * only our own assets, so the CSP allows nothing from elsewhere. HSTS is sent only when the
 * gateway is published over HTTPS; on http://localhost it would break local use.
 */
export function securityHeaders(config: AppConfig): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Swagger UI sets inline style attributes; no inline scripts are allowed anywhere.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: config.publicUrl.startsWith('https://')
      ? { maxAge: 31_536_000, includeSubDomains: true }
      : false,
    referrerPolicy: { policy: 'no-referrer' },
  };
}
