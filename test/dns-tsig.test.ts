// The TSIG signer (RFC 8945) against known answers, so it is checked where Knot DNS is not
// installed (test/dns-switch.test.ts checks it against a real Knot DNS where it is).
//
// The vectors come from dnspython 2.9.2's own TSIG code, not ours (`pip install dnspython`):
//   import time, base64, dns.message, dns.update, dns.tsig
//   time.time = lambda: 1767225600                      # 2026-01-01T00:00:00Z, stamped as time_signed
//   k = dns.tsig.Key('bluegreen-update.', base64.b64encode(bytes(range(32))).decode(), 'hmac-sha256')
//   u = dns.update.UpdateMessage('bluegreen.test', id=0x4242)
//   u.replace('www', 60, 'CNAME', 'green.bluegreen.test.')
//   unsigned = u.to_wire(); u.use_tsig(k, fudge=300); signed = u.to_wire()   # and u.mac
//   resp = dns.message.make_response(dns.message.from_wire(signed, keyring={k.name: k}))
//   resp.to_wire()                                        # the answer, signed over the request MAC
// (and the same with 'hmac-sha512').
import { describe, expect, it } from 'vitest';
import { decodeSecret, parseTsig, signRequest, verifyResponse, type TsigAlgorithm } from '../switches/dns/dns-tsig.js';

const NOW_MS = Date.UTC(2026, 0, 1);
const SECRET_BASE64 = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=';
/** UPDATE bluegreen.test: replace www CNAME with green.bluegreen.test (TTL 60), id 0x4242, no TSIG. */
const UNSIGNED =
  '42422800000100000002000009626c7565677265656e0474657374000006000103777777c00c000500ff000000000000c020000500010000003c000805677265656ec00c';

/** The same message as the signed one begins: ARCOUNT 1 (the TSIG record), then the TSIG record follows. */
const SIGNED_HEAD = `${UNSIGNED.slice(0, 20)}0001${UNSIGNED.slice(24)}`;

interface Vector {
  algorithm: TsigAlgorithm;
  signed: string;
  mac: string;
  response: string;
}

const VECTORS: Vector[] = [
  {
    algorithm: 'hmac-sha256',
    signed: `${SIGNED_HEAD}10626c7565677265656e2d7570646174650000fa00ff00000000003d0b686d61632d7368613235360000006955b900012c0020e9af5c5a9cdd6e6c26535d6b05974b250d411e259c1df71829b7769ac437c3cf424200000000`,
    mac: 'e9af5c5a9cdd6e6c26535d6b05974b250d411e259c1df71829b7769ac437c3cf',
    response:
      '4242a800000100000000000109626c7565677265656e0474657374000006000110626c7565677265656e2d7570646174650000fa00ff00000000003d0b686d61632d7368613235360000006955b900012c0020d4d830d2b94c8755ef862cc855021cd2ee54351f9d39ded3a7d94aaf567a74e1424200000000',
  },
  {
    algorithm: 'hmac-sha512',
    signed: `${SIGNED_HEAD}10626c7565677265656e2d7570646174650000fa00ff00000000005d0b686d61632d7368613531320000006955b900012c00404c6089692c519b00a419d44fcf2a841015faf3fffc9bebfde2ab284f38a09a34afdbc05abe0eedf2c770a016db15cef10ed4306daef8bd4a01c5ac51826431f8424200000000`,
    mac: '4c6089692c519b00a419d44fcf2a841015faf3fffc9bebfde2ab284f38a09a34afdbc05abe0eedf2c770a016db15cef10ed4306daef8bd4a01c5ac51826431f8',
    response:
      '4242a800000100000000000109626c7565677265656e0474657374000006000110626c7565677265656e2d7570646174650000fa00ff00000000005d0b686d61632d7368613531320000006955b900012c0040c304b9720db32ef611e6a5c644598d4a9e8cbec2c77e4fc7befb632bf909b17866b3aeb01a5a5d893a66c7243c75ca23c8c2b282fb50dff192b0f9844d8322ee424200000000',
  },
];

const keyOf = (algorithm: TsigAlgorithm) => ({ name: 'bluegreen-update', algorithm, secret: decodeSecret(SECRET_BASE64)! });

describe.each(VECTORS)('TSIG $algorithm, known answers from dnspython', ({ algorithm, signed, mac, response }) => {
  it('signs the update to the very bytes dnspython sends', () => {
    const result = signRequest(Buffer.from(UNSIGNED, 'hex'), keyOf(algorithm), NOW_MS);
    expect(result.mac.toString('hex')).toBe(mac);
    expect(result.message.toString('hex')).toBe(signed);
    expect(parseTsig(result.message)).toMatchObject({
      keyName: 'bluegreen-update',
      algorithm,
      timeSigned: NOW_MS / 1000,
      fudge: 300,
    });
  });

  it("accepts dnspython's signed answer, and refuses it changed, under another key, or out of time", () => {
    const answer = Buffer.from(response, 'hex');
    const requestMac = Buffer.from(mac, 'hex');
    expect(verifyResponse(answer, keyOf(algorithm), requestMac, NOW_MS)).toEqual({ ok: true });

    const flipped = Buffer.from(answer);
    flipped[3]! ^= 0x01; // a header flag bit
    expect(verifyResponse(flipped, keyOf(algorithm), requestMac, NOW_MS)).toMatchObject({ ok: false, reason: 'bad-mac' });
    const otherSecret = { ...keyOf(algorithm), secret: Buffer.alloc(32, 7) };
    expect(verifyResponse(answer, otherSecret, requestMac, NOW_MS)).toMatchObject({ ok: false, reason: 'bad-mac' });
    // The answer's MAC covers the request's: it does not verify as the answer to another request.
    expect(verifyResponse(answer, keyOf(algorithm), Buffer.alloc(requestMac.length), NOW_MS)).toMatchObject({
      ok: false,
      reason: 'bad-mac',
    });
    expect(verifyResponse(answer, keyOf(algorithm), requestMac, NOW_MS + 301_000)).toMatchObject({
      ok: false,
      reason: 'bad-time',
    });
    expect(verifyResponse(answer, { ...keyOf(algorithm), name: 'other-key' }, requestMac, NOW_MS)).toMatchObject({
      ok: false,
      reason: 'wrong-key',
    });
  });
});
