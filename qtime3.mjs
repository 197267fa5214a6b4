const { createApp } = await import('/work/main/dist/src/app.js');
const { AppConfig } = await import('/work/main/dist/src/app-config.js');
const { ReportsRepository } = await import('/work/main/dist/src/reports/reports.repository.js');
const app = await createApp(new AppConfig({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/dm_keep_reports', sweepIntervalMs: 0, deliveryIntervalMs: 0 }), { logger: false });
await app.init();
const r = app.get(ReportsRepository);
const p = { facilityId: 'bench', from: new Date('2025-01-01T06:00:00Z'), to: new Date('2026-01-01T06:00:00Z') };
const jobs = { totals: () => r.totals(p), overage: () => r.distribution(p, 'overageMs'), real: () => r.distribution(p, 'realSeconds'), counted: () => r.distribution(p, 'countedMs'), lag: () => r.distribution(p, 'lagSeconds'), forms: () => r.byFormAndWarrant(p), charges: () => r.byCharges(p), anomalies: () => r.anomalies(p) };
for (const [k, f] of Object.entries(jobs)) { const t = performance.now(); await f(); console.log(k, Math.round(performance.now() - t)); }
await app.close();
