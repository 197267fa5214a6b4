const { createApp } = await import('/work/main/dist/src/app.js');
const { AppConfig } = await import('/work/main/dist/src/app-config.js');
const { ReportsService } = await import('/work/main/dist/src/reports/reports.service.js');
const app = await createApp(new AppConfig({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/dm_keep_reports', sweepIntervalMs: 0, deliveryIntervalMs: 0 }), { logger: false });
await app.init();
const svc = app.get(ReportsService);
for (let i = 0; i < 3; i++) { const t = performance.now(); const r = await svc.compliance({ facilityId: 'bench', from: new Date('2025-01-01T06:00:00Z'), to: new Date('2026-01-01T06:00:00Z') }); console.log('report', Math.round(performance.now() - t), 'ms', r.holdsStarted, r.monthly.length); }
await app.close();
