// Preloaded (`node -r`) when GNU time is absent: writes "user sys maxRSS-KiB" of this process at exit to the file
// named by BENCH_RSS_REPORT, in GNU time's `%U %S %M` format.
const { writeFileSync } = require("node:fs");
const report = process.env.BENCH_RSS_REPORT;
if (report) {
  process.on("exit", () => {
    const u = process.resourceUsage();
    writeFileSync(report, `${u.userCPUTime / 1e6} ${u.systemCPUTime / 1e6} ${u.maxRSS}\n`);
  });
}
