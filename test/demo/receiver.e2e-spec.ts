import axios from 'axios';
import { randomUUID } from 'node:crypto';
import { Agent } from 'node:https';
import { signatureHeaders } from '../../src/modules/deliveries/sending/signing';
import { newLocalPki } from '../../tools/pki/certificates';
import { DemoReceiver, ReceivedDelivery, startReceiver } from '../../demo/receiver';

/**
 * The demo's HTTPS receiver over a real TLS connection (its certificate from the CA the demo makes
 * at start): it must accept what the platform's signing produces and refuse anything else, or its
 * "signatures ok" lines would prove nothing.
 */
describe('demo receiver', () => {
  const SECRET = 'a'.repeat(16) + 'B'.repeat(16);
  const pki = newLocalPki({ commonName: 'Zorio Demo CA', organization: 'Zorio tests' }, 30);
  const got: ReceivedDelivery[] = [];
  let receiver: DemoReceiver;
  const https = new Agent({ ca: pki.caCertPem, keepAlive: false });

  beforeAll(async () => {
    receiver = await startReceiver({
      port: 0,
      certPem: pki.server.certPem,
      keyPem: pki.server.keyPem,
      onDelivery: (d) => got.push(d),
    });
    receiver.setSecret(SECRET);
  });

  afterAll(async () => {
    await receiver?.close();
    https.destroy();
  });

  function signed(overrides: { secret?: string; timestamp?: number; body?: string } = {}) {
    const body = JSON.stringify({
      event: 'pbx.call.answered',
      timestamp: new Date().toISOString(),
      tenant_id: 1,
      data: { call_uuid: randomUUID(), extension: '1001' },
    });
    const deliveryId = randomUUID();
    const headers = signatureHeaders({
      secret: overrides.secret ?? SECRET,
      deliveryId,
      event: 'pbx.call.answered',
      timestamp: overrides.timestamp ?? Math.floor(Date.now() / 1000),
      body: Buffer.from(body),
      isTest: false,
      userAgentVersion: 'test',
    });
    return { deliveryId, headers, body: overrides.body ?? body };
  }

  const post = (req: { headers: Record<string, string>; body: string }) =>
    axios.post(receiver.url, req.body, {
      headers: req.headers,
      httpsAgent: https,
      validateStatus: () => true,
      transformRequest: [(data: string) => data],
    });

  it('trusts its CA: a correctly signed request is verified and answered 200', async () => {
    const req = signed();
    const res = await post(req);
    expect(res.status).toBe(200);
    const delivery = got.find((d) => d.deliveryId === req.deliveryId);
    expect(delivery).toMatchObject({
      event: 'pbx.call.answered',
      verified: true,
      zorioSignatureOk: true,
      standardSignatureOk: true,
      repeat: false,
    });
    expect(delivery?.data.extension).toBe('1001');
    // The same delivery again (a retry) is still verified, and marked as a repeat.
    expect((await post(req)).status).toBe(200);
    expect(got.filter((d) => d.deliveryId === req.deliveryId).map((d) => d.repeat)).toEqual([
      false,
      true,
    ]);
  });

  it('refuses a body changed after signing (401, both signatures fail)', async () => {
    const req = signed();
    const tampered = req.body.replace('"1001"', '"1002"');
    const res = await post({ ...req, body: tampered });
    expect(res.status).toBe(401);
    expect(got.find((d) => d.deliveryId === req.deliveryId)).toMatchObject({
      verified: false,
      zorioSignatureOk: false,
      standardSignatureOk: false,
    });
  });

  it('refuses another secret and a stale timestamp', async () => {
    const wrong = signed({ secret: 'x'.repeat(32) });
    expect((await post(wrong)).status).toBe(401);
    const stale = signed({ timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect((await post(stale)).status).toBe(401);
    const staleDelivery = got.find((d) => d.deliveryId === stale.deliveryId);
    expect(staleDelivery?.zorioSignatureOk).toBe(true);
    expect(staleDelivery?.verified).toBe(false);
    expect(staleDelivery?.problem).toMatch(/300 s/);
  });
});
