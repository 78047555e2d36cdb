// Published vectors of protocols.md §1.13, byte for byte. V6/V7 (AES-GCM certificate vectors) are
// referenced by the doc but not given in it, so they are not here; V8's real-format notification
// covers the AES path negatively (its key is 16 bytes) and round trips cover it positively.
import {
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  sign,
  verify,
  X509Certificate,
} from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  appPayParams,
  authorizationHeader,
  createVerifiers,
  decryptResource,
  jsapiPayParams,
  requestSignatureMessage,
  responseSignatureMessage,
  signRequest,
  verifyWechatSignature,
} from '../src/index.js'
import {
  A3_CERTIFICATE,
  A3_SERIAL,
  K1_PRIVATE_KEY,
  K1_PUBLIC_KEY,
  K1_SERIAL,
  K2_PRIVATE_KEY,
} from './pay-keys.js'

const ts = 1554208460
const nonce = '593BEC0C930BF1AFEB40B4A08C8FB242'
const V1_BODY =
  '{"appid":"wxd678efh567hg6787","mchid":"1900007291","description":"Image形象店-深圳腾大-QQ公仔","out_trade_no":"1217752501201407033233368018","notify_url":"https://www.weixin.qq.com/wxpay/pay.php","amount":{"total":100,"currency":"CNY"},"payer":{"openid":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"}}'
const V1_SIGNATURE =
  'jnks4dlrPw3ZX+ozVvSK39oa0t7OMBsg83BHAwd8BRdUFiVaQNTLTvci+wURgP1OQBbKYhFGvt7iqYpDSTQkp7Uq1sltaQKyncCyrA1g88m5bsKERQfPyT0ahSwKTYJ1CAn9QiJuSJRq1QsQs07eehbU/k9BCS51jTyc1Jpsi2H77HF9f/BnjXAOP3/sPObg6V5Ee4EzwLox684hhuMuIwHo7D8KFk3LIHOKDcNI4It1aCXydFWNpNK+SG86VUDe5kwoDpw4Ulqfu9z8OFDGbDs9TCxEv8iqQzbpxOlEVoOe2kalSYM5kApQb3nZcxdUtoE0liJGW3RGUNE0t4v01A=='
const V2_SIGNATURE =
  'cVvdVujlEmASmAYpcmKXmIrlQualKxd87f8XZtnTeLCw3V7kZ1ST6YwX0kSLsqJeecZqmKJfd6ieRl/hRLZUodxXU1NzoTz1OXNh6TzBfcxU8xRNFbmPiEHwMJM7Jo52TYGk71MaCbvkPlUpUL6WhpmAgfC7jg/3IcA/UILbby4Nro0Nbq0An/DYEEp8vZMaags/5ed52JpGqxEOcTLIuqihy+Amy5z+t8m3a93YTRNDRi0W5b332UQBtrWRSwJOMU96Nof7hJC2MM71Y1bHB8YP8kBKaoDW7vEoNsEMVzkyp0pyjUHFWc6yaRVHE054z79S2koj3jSRbCiY+CaJzg=='
const V3_SIGNATURE =
  'P07HGWiMaJOltVF73HduLS9BRHZgDNu9vz6W34MvVxtX6wF7x4DukPqSYsKm1rcJ0ZGbdNZnYy4uFR/ghWB2Jr+m4wHI61IkZMKLZSO6mTycv9hrr/GSGhNgCqme+yGjonosG6p5RN9dgn2O/1SL7k3uP6639dWs2mGwBDSd/TfGI1250II3UFxdH1wUTUyJx0nIaJKnsS8JcFkv/yL1HJlM7bg+xoMLQU500RB4DPn6hG3luz4XDobPc49gT6jBxNCviFaPEanGXhW3NKe3dKBvDAsAcSTbEwI1kF2BOx8B0QTtS7FKRZ246KHDjsy5t4GWXztLdAZWIVVVVZDZEQ=='
const V4_PAYSIGN =
  'A6GzmIxOpOg9k7AbYWqvk94m4ofR7RAlCPRb0h+vZ2616j7RaEK1ljkVj2OHFSBrpw/52y3TKSmvnnIZiqdhkO4kK6X8fVtchrxtjnLSU4s1mi53IRhIvREjXs2yKN55GjQeE1H4DcAGxDmuM15FXZhab5iUNcf2vb0OcDGca3EsWBfGV5pIERc+AniOXeXg+w7V3xfJXidJgNsTePr9gjUsYKIM3KlymdD9GLtAK/Yg47owOuJmAZK/taUgLxQ3ogRqWpFx9/9XeffR58a5aNmmjuFy8ns4vykQm8KQKJx12tV8xq9Wkgxmpc8frDaaeQ3KtMF4+t2grLgT8thv0w=='
const V5_SIGN =
  'NyUy7CCoFP2f7m5cJ9xxFnCWKNYArkFH2rYVcNafWJC1xpAYIjRGTp2upVLctHE0Wf28SqavQG6QuIpqxYa4LrlpxpXRKfkXMIh7oRPQXsCOXnNnc3iMVvJiErtrlswRBlFSKf1IU5BfLK9USe0sxicxXQp9phVC5RLz1fE3IObDPz/pOkdltXTDaVLVqDdAVGIoM+vry6p/y+gNJdntTNTn+f3yRZv9WWGhilKE2cy14bIQhDmNPGLf5J1SKPlBmrMY6Jiq0AJUH2dZSn7BxhpFQRpcIKpWBXqpB9E99UWDwZyLYKVNrt8B7oiKb1r3T5Ddqr5DvIU38qziJrkz2Q=='
const V9_SIGNATURE =
  'BKyAfU4iMCuvXMXS0Wzam3V/cnxZ+JaqigPM5OhljS2iOT95OO6Fsuml2JkFANJU9K6q9bLlDhPXuoVz+pp4hAm6pHU4ld815U4jsKu1RkyaII+1CYBUYC8TK0XtJ8FwUXXz8vZHh58rrAVN1XwNyvD1vfpxrMT4SL536GLwvpUHlCqIMzoZUguLli/K8V29QiOhuH6IEqLNJn8e9b3nwNcQ7be3CzYGpDAKBfDGPCqCv8Rw5zndhlffk2FEA70G4hvMwe51qMN/RAJbknXG23bSlObuTCN7Ndj1aJGH6/L+hdwfLpUtJm4QYVazzW7DFD27EpSQEqA8bX9+8m1rLg=='

describe('request signatures (V1–V3, K1)', () => {
  it('V1: signs the official JSAPI prepay example and builds its Authorization header', () => {
    const parts = { method: 'POST', url: '/v3/pay/transactions/jsapi', timestamp: ts, nonce, body: V1_BODY }
    expect(requestSignatureMessage(parts)).toBe(
      `POST\n/v3/pay/transactions/jsapi\n1554208460\n${nonce}\n${V1_BODY}\n`,
    )
    const signature = signRequest({ ...parts, privateKey: K1_PRIVATE_KEY })
    expect(signature).toBe(V1_SIGNATURE)
    expect(
      authorizationHeader({ mchid: '1900007291', nonce, timestamp: ts, serialNo: K1_SERIAL, signature }),
    ).toBe(
      `WECHATPAY2-SHA256-RSA2048 mchid="1900007291",nonce_str="${nonce}",timestamp="1554208460",serial_no="${K1_SERIAL}",signature="${V1_SIGNATURE}"`,
    )
  })

  it('V2: a GET with a query and an empty body signs an empty body line', () => {
    const parts = {
      method: 'GET',
      url: '/v3/pay/transactions/out-trade-no/1217752501201407033233368018?mchid=1900007291',
      timestamp: ts,
      nonce,
      body: '',
    }
    expect(requestSignatureMessage(parts)).toBe(`GET\n${parts.url}\n1554208460\n${nonce}\n\n`)
    expect(signRequest({ ...parts, privateKey: K1_PRIVATE_KEY })).toBe(V2_SIGNATURE)
  })

  it('V3: signs the close-order request', () => {
    const url = '/v3/pay/transactions/out-trade-no/1217752501201407033233368018/close'
    expect(
      signRequest({
        method: 'POST',
        url,
        timestamp: ts,
        nonce,
        body: '{"mchid":"1900007291"}',
        privateKey: K1_PRIVATE_KEY,
      }),
    ).toBe(V3_SIGNATURE)
  })

  it('accepts the same key as PKCS#1 and refuses a certificate passed as the private key', () => {
    const pkcs1 = createPrivateKey(K1_PRIVATE_KEY).export({ format: 'pem', type: 'pkcs1' }).toString()
    expect(pkcs1).toContain('BEGIN RSA PRIVATE KEY')
    expect(
      signRequest({
        method: 'POST',
        url: '/v3/pay/transactions/jsapi',
        timestamp: ts,
        nonce,
        body: V1_BODY,
        privateKey: pkcs1,
      }),
    ).toBe(V1_SIGNATURE)
    expect(() =>
      signRequest({ method: 'GET', url: '/', timestamp: ts, nonce, body: '', privateKey: A3_CERTIFICATE }),
    ).toThrow(/certificate, not a private key/)
  })
})

describe('client pay parameters (V4, V5, K1)', () => {
  const common = { timestamp: ts, nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS', privateKey: K1_PRIVATE_KEY }

  it('V4: JSAPI / mini-program paySign; signType RSA is not signed; timeStamp in seconds', () => {
    const params = jsapiPayParams({
      ...common,
      appId: 'wxd678efh567hg6787',
      prepayId: 'wx201410272009395522657a690389285100',
    })
    expect(params).toEqual({
      appId: 'wxd678efh567hg6787',
      timeStamp: '1554208460',
      nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
      package: 'prepay_id=wx201410272009395522657a690389285100',
      signType: 'RSA',
      paySign: V4_PAYSIGN,
    })
  })

  it('V5: APP sign covers the raw prepay id, package is Sign=WXPay', () => {
    const params = appPayParams({
      ...common,
      appId: 'wxd678efh567hg6787',
      mchid: '1900007291',
      prepayId: 'wx201410272009395522657a690389285100',
    })
    expect(params.sign).toBe(V5_SIGN)
    expect(params.package).toBe('Sign=WXPay')
    expect(params.partnerid).toBe('1900007291')
  })
})

describe('V9: wechatpay-go signer vector (K2) and its certificate (A.3)', () => {
  it('signs `source` and the A.3 certificate holds the matching public key', () => {
    const signature = sign('sha256', Buffer.from('source'), K2_PRIVATE_KEY).toString('base64')
    expect(signature).toBe(V9_SIGNATURE)
    const cert = new X509Certificate(A3_CERTIFICATE)
    expect(cert.serialNumber).toBe(A3_SERIAL)
    expect(verify('sha256', Buffer.from('source'), cert.publicKey, Buffer.from(V9_SIGNATURE, 'base64'))).toBe(
      true,
    )
  })
})

describe('V10: header and message formats', () => {
  it('builds the mock-signer Authorization header exactly', () => {
    const message = requestSignatureMessage({
      method: 'GET',
      url: '/v3/certificates',
      timestamp: 1624523846,
      nonce: 'A1B2C3D4E5F6G7',
      body: '',
    })
    expect(message).toBe('GET\n/v3/certificates\n1624523846\nA1B2C3D4E5F6G7\n\n')
    expect(
      authorizationHeader({
        scheme: 'WECHATPAY2-Mock',
        mchid: '1234567890',
        nonce: 'A1B2C3D4E5F6G7',
        timestamp: 1624523846,
        serialNo: '0123456789ABC',
        signature: `Sign:${message}`,
      }),
    ).toBe(
      'WECHATPAY2-Mock mchid="1234567890",nonce_str="A1B2C3D4E5F6G7",timestamp="1624523846",serial_no="0123456789ABC",signature="Sign:GET\n/v3/certificates\n1624523846\nA1B2C3D4E5F6G7\n\n"',
    )
  })

  it('uses a body ending in a newline verbatim', () => {
    expect(
      requestSignatureMessage({
        method: 'POST',
        url: '/v3/certificates',
        timestamp: 1624523846,
        nonce: 'A1B2C3D4E5F6G7',
        body: 'Hello World!\n',
      }),
    ).toBe('POST\n/v3/certificates\n1624523846\nA1B2C3D4E5F6G7\nHello World!\n\n')
  })

  it('an empty response body gives TS\\nNONCE\\n\\n; a missing Request-ID is allowed', () => {
    expect(
      responseSignatureMessage({ timestamp: '1624523846', nonce: 'N', body: new Uint8Array() }).toString(),
    ).toBe('1624523846\nN\n\n')
  })
})

describe('V8: wechatpay-go real-format notification', () => {
  const headers = new Headers({
    'Wechatpay-Timestamp': '1624523846',
    'Wechatpay-Nonce': 'EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz',
    'Wechatpay-Serial': 'D7CE59D1F522D701',
    'Wechatpay-Signature':
      'tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm/Ug5tuL4fC0YOFRWIHV39UFIZXC0e9Wl6lBu6sKvkqDkzpqzBsVHyXFlbYZTOQrVdG4b6LfTnK4mikv9++ixJMd3vTf2yCqvBkh98zs3Ds5zsYQakzbcwhmw4fMJs4nPLws28H0UW9FjDR//rxELLwXvV1VEA1IBLX70xptjL8hrfUjEE8kkry6yNJTHZRU8CAc7qHli2Ng1V1qb9ARbK8A3ThmFmPQvRGrapI/jS2laKKgYUmfdEdkNO6B2Cke5e8VTxY406ArAmQ90GAihDwIcb16TQMnzCMBoutnwZKNiKRACrFmtxw2Q==',
  })
  const body = Buffer.from(
    '{"id":"3119dfba-e649-5eec-ab1e-3412bc4d2e17","create_time":"2021-06-24T16:37:26+08:00","resource_type":"encrypt-resource","event_type":"PAYSCORE.USER_OPEN_SERVICE","summary":"签约成功","resource":{"original_type":"payscore","algorithm":"AEAD_AES_256_GCM","ciphertext":"YDS3lKPaC4Y52Gf3uhft5qUBlIa8b428AWTtTauHQfQrRw+X1WpiuHIDy0vo1Vd6VEq67aVyqPdDYMkRVSDaZL3iZttevRMOoPKMifozg6XPWjIZumks/GpT48lI4NizyeaqLBokNebthah3o1H76qSlO9NkDjp9bzmKLEYYH9TEklFUpsvPqOTOcgSLgh21YJXYR7dEBXFgRLiNIKRgO5JdXh1hccRUAlyVWxE54PXpnQ==","associated_data":"payscore","nonce":"Kj7QIyUiYx1q"}}',
  )
  const verifiers = createVerifiers({ [A3_SERIAL]: A3_CERTIFICATE })
  const now = 1624523846 * 1000

  it('verifies with the A.3 certificate at clock 1624523846', () => {
    expect(verifyWechatSignature({ headers, body, verifiers, now })).toMatchObject({
      serial: A3_SERIAL,
      timestamp: 1624523846,
      requestId: null,
    })
  })

  it('fails 301 s later, with one changed byte, or with another key under the same serial', () => {
    expect(() => verifyWechatSignature({ headers, body, verifiers, now: now + 301_000 })).toThrow(
      expect.objectContaining({ code: 'timestamp_out_of_window' }),
    )
    const tampered = Buffer.from(body)
    tampered[10] = tampered[10]! ^ 1
    expect(() => verifyWechatSignature({ headers, body: tampered, verifiers, now })).toThrow(
      expect.objectContaining({ code: 'signature_invalid' }),
    )
    const wrong = new Map([[A3_SERIAL, createPublicKey(K1_PUBLIC_KEY)]])
    expect(() => verifyWechatSignature({ headers, body, verifiers: wrong, now })).toThrow(
      expect.objectContaining({ code: 'signature_invalid' }),
    )
  })

  it('its 16-byte test APIv3 key is refused by the AES-256 path (while AES-128 shows the vector is real)', () => {
    const resource = JSON.parse(body.toString()).resource
    expect(() => decryptResource({ apiV3Key: 'testMchAPIv3Key0', resource })).toThrow(
      expect.objectContaining({
        code: 'configuration',
        message: expect.stringContaining('exactly 32 bytes'),
      }),
    )
    const data = Buffer.from(resource.ciphertext, 'base64')
    const d = createDecipheriv('aes-128-gcm', Buffer.from('testMchAPIv3Key0'), Buffer.from(resource.nonce))
    d.setAuthTag(data.subarray(-16))
    d.setAAD(Buffer.from(resource.associated_data))
    expect(Buffer.concat([d.update(data.subarray(0, -16)), d.final()]).toString()).toBe(
      '{"mchid":"1234567890","appid":"054aa7d7a2a54ab5898df65bd96f001c","create_time":"2020-06-30T12:12:00+08:00","out_contract_code":"21640bdbd08e473e828f3206a2741c6e"}',
    )
  })
})
