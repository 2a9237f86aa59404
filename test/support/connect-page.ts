/**
 * Drives the connect page over HTTP the way a browser without JavaScript would: GET the link
 * (keeping the CSRF cookie and hidden field), then POST the form.
 */
import request from 'supertest';

export interface OpenedForm {
  status: number;
  html: string;
  csrf?: string;
  cookie?: string;
}

export async function openLink(linkUrl: string): Promise<OpenedForm> {
  const url = new URL(linkUrl);
  const res = await request(url.origin).get(url.pathname);
  const csrf = /name="csrf" value="([^"]+)"/.exec(res.text)?.[1];
  const setCookie = res.headers['set-cookie'] as unknown as string[] | undefined;
  const cookie = setCookie?.map((c) => c.split(';')[0]).join('; ');
  return { status: res.status, html: res.text, csrf, cookie };
}

export async function submitLink(
  linkUrl: string,
  form: OpenedForm,
  credentials: { clientId: string; clientSecret: string },
): Promise<request.Response> {
  const url = new URL(linkUrl);
  const req = request(url.origin).post(url.pathname).type('form');
  if (form.cookie) void req.set('Cookie', form.cookie);
  return req.send({
    csrf: form.csrf ?? '',
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
  });
}
