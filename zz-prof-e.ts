import { soakDlms, describeTally } from '/work/main/src/soak/soak';
for (const k of ['hdlc', 'hdlc-gmac'] as const) console.log(describeTally(await soakDlms(k, 40, 0.001)));
