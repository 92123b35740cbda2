/*
 * Lighthouse on a page as a browser that just signed up sees it (bench/lighthouse.py, issue
 * 23): Puppeteer signs up through the form (a fresh address), then Lighthouse navigates in
 * that same browser, its cookies kept — where the page's own script reads them.
 *
 *   NODE_PATH=/tmp/lighthouse/node_modules node bench/lighthouse_signed_up.mjs BASE URL [desktop]
 *
 * Prints the JSON report (Lighthouse's "lhr") on stdout.
 */
import { createRequire } from "node:module";
import { randomBytes } from "node:crypto";

const require = createRequire(process.env.NODE_PATH + "/");
const puppeteer = require("puppeteer-core");
const { startFlow, desktopConfig } = await import(require.resolve("lighthouse"));

const [base, url, preset] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  args: ["--headless=new", "--no-sandbox", "--disable-gpu"],
});
try {
  const page = await browser.newPage();
  await page.goto(base + "/signup");
  await page.type("#email", `lighthouse-${randomBytes(4).toString("hex")}@example.com`);
  await page.type("#password", "correct horse battery staple");
  await Promise.all([
    page.waitForNavigation(),
    page.click('form[action$="/signup"] button[type="submit"]'),
  ]);
  const flow = await startFlow(page, {
    config: preset === "desktop" ? desktopConfig : undefined,
    flags: {
      disableStorageReset: true,
      onlyCategories: ["performance", "accessibility", "best-practices", "seo"],
    },
  });
  await flow.navigate(url);
  const [step] = (await flow.createFlowResult()).steps;
  process.stdout.write(JSON.stringify(step.lhr));
} finally {
  await browser.close();
}
