import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoViewers, type DemoAnchor } from "../../src/access/identity/demo.ts";
import { idNumberCheckCharacter } from "../../src/domain/id-number.ts";
import { bearerFor } from "../kit/auth.ts";
import { startConsoleUnderTest, type ConsoleUnderTest } from "../kit/console.ts";

const SCREENSHOTS = path.resolve(import.meta.dirname, "../../docs/screenshots");
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
/** Latin words of four letters or more: what an English server message would leave on the page. */
const ENGLISH = /[A-Za-z]{4,}/;

/**
 * The console when things go wrong and where it is used: errors in Chinese and actionable, a
 * mistyped ID number caught in the browser, a session that expires mid-page, a server that goes
 * away and comes back; on a phone, on paper; and GraphiQL as an integrator opens it.
 */
describe("the web console, resilient, on a phone and on paper", () => {
  let under: ConsoleUnderTest;
  let browser: Browser;
  let anchor: DemoAnchor;
  const origin = () => under.origin;

  beforeAll(async () => {
    under = await startConsoleUnderTest({ children: 400, seed: 5 });
    ({ browser, anchor } = under);
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 120_000);
  afterAll(async () => under?.close());

  /** A fresh context at a viewport, counting the GraphQL requests the page makes. */
  async function openConsole(
    viewport = DESKTOP,
  ): Promise<{ context: BrowserContext; page: Page; graphqlRequests: () => number }> {
    const context = await browser.newContext({ viewport });
    let count = 0;
    context.on("request", (request) => {
      if (new URL(request.url()).pathname === "/graphql") count++;
    });
    const page = await context.newPage();
    await page.goto(`${origin()}/console/`);
    return { context, page, graphqlRequests: () => count };
  }

  async function signInAs(page: Page, role: string) {
    await page.locator(`button.identity[data-role="${role}"]`).click();
    await page.locator(`.who[data-role="${role}"]`).waitFor();
  }

  it("shows a server's English refusal in Chinese, and the wait a 503 asks for", async () => {
    const { context, page } = await openConsole();
    await page.route("**/graphql", (route) =>
      route.fulfill({
        status: 200,
        contentType: "application/json",
        body: JSON.stringify({
          data: null,
          errors: [
            {
              message: 'region: division code must have 2, 4 or 6 digits, but got "3x"',
              extensions: { code: "BAD_USER_INPUT" },
            },
          ],
        }),
      }),
    );
    await signInAs(page, "analyst");
    const error = page.locator(".region-view .async-status .error");
    await error.waitFor();
    expect(await error.getAttribute("data-code")).toBe("BAD_USER_INPUT");
    const text = (await error.textContent())!;
    expect(text).toContain("输入有误");
    expect(text).not.toMatch(ENGLISH);

    await page.unroute("**/graphql");
    await page.route("**/graphql", (route) =>
      route.fulfill({
        status: 503,
        headers: { "retry-after": "5", "content-type": "application/json" },
        body: JSON.stringify({
          errors: [{ message: "database unavailable", extensions: { code: "DATABASE_UNAVAILABLE" } }],
        }),
      }),
    );
    await error.getByRole("button", { name: "重试" }).click();
    await expect.poll(() => error.textContent()).toContain("数据库暂时不可用，请稍后重试。请 5 秒后重试。");
    await page.unroute("**/graphql");
    await error.getByRole("button", { name: "重试" }).click();
    await page.locator('svg[data-testid="coverage-chart"]').waitFor();
    await context.close();
  });

  it("refuses an ID number with the wrong check character before sending any request", async () => {
    const id = anchor.idNumber!;
    const right = idNumberCheckCharacter(id.slice(0, 17));
    const wrong = right === "1" ? "2" : "1";
    const { context, page, graphqlRequests } = await openConsole();
    await signInAs(page, "family_doctor");
    await page.locator(".watchlist .loading").waitFor({ state: "detached" });
    const before = graphqlRequests();
    await page.getByLabel("身份证号或姓名").fill(id.slice(0, 17) + wrong);
    await page.keyboard.press("Enter");
    const problem = page.locator(".id-problem");
    await problem.waitFor();
    expect(await problem.textContent()).toContain(`身份证号校验位应为“${right}”，输入的是“${wrong}”`);
    await page.waitForTimeout(300);
    expect(graphqlRequests()).toBe(before);

    // The right number is sent and found.
    await page.getByLabel("身份证号或姓名").fill(id);
    await page.keyboard.press("Enter");
    await page.locator("#patient-name").waitFor();
    expect(await problem.count()).toBe(0);
    await context.close();
  });

  it("says 登录已过期 when the session expires mid-page, and signs in again on the same page", async () => {
    // What the hub really answers a token past its expiry.
    const expired = await bearerFor(demoViewers(anchor).analyst, { expiresIn: -120 });
    const refusal = await fetch(`${origin()}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: expired },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    const refusalBody = await refusal.text();
    expect(refusalBody).toContain("UNAUTHENTICATED");

    const { context, page } = await openConsole();
    await signInAs(page, "analyst");
    await page.locator("table.region-table tbody th button").first().click();
    await page.locator("nav.breadcrumbs li").nth(1).waitFor();
    const city = await page.locator("nav.breadcrumbs li").nth(1).textContent();

    await page.route("**/graphql", (route) =>
      route.fulfill({ status: refusal.status, contentType: "application/json", body: refusalBody }),
    );
    await page.locator("table.region-table tbody th button").first().click();
    const dialog = page.getByRole("dialog", { name: "登录已过期" });
    await dialog.waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, "session-expired.png") });

    await page.unroute("**/graphql");
    await dialog.locator('button.identity[data-role="analyst"]').click();
    await dialog.waitFor({ state: "detached" });
    // The same place: city, then the county that was being opened, its schools listed.
    await page.locator("nav.breadcrumbs li").nth(2).waitFor();
    expect(await page.locator("nav.breadcrumbs li").nth(1).textContent()).toBe(city);
    await page.locator('svg[data-testid="coverage-chart"]').waitFor();
    await context.close();
  });

  it("says 无法连接服务器 when the server is unreachable, and 重试 works once it is back", async () => {
    const { context, page } = await openConsole();
    await page.route("**/graphql", (route) => route.abort("connectionrefused"));
    await signInAs(page, "analyst");
    const error = page.locator(".region-view .async-status .error");
    await error.waitFor();
    expect(await error.textContent()).toContain("无法连接服务器");
    expect(await error.textContent()).not.toMatch(ENGLISH);
    await page.unroute("**/graphql");
    await error.getByRole("button", { name: "重试" }).click();
    await page.locator('svg[data-testid="coverage-chart"]').waitFor();
    expect(await error.count()).toBe(0);
    await context.close();
  });

  it("names the schools of a county in its chart, with no unlabelled group", async () => {
    const { context, page } = await openConsole();
    await signInAs(page, "analyst");
    await page.locator("table.region-table tbody th button").first().click();
    await page.locator("nav.breadcrumbs li").nth(1).waitFor();
    await page.locator("table.region-table tbody th button").first().click();
    await page.locator("nav.breadcrumbs li").nth(2).waitFor();
    const chart = page.locator('svg[data-testid="coverage-chart"]');
    await chart.waitFor();
    const labels = await chart.locator("g[data-group] text.label").allTextContents();
    expect(labels.length).toBeGreaterThan(0);
    for (const label of labels) {
      expect(label, "an unlabelled group").not.toBe("—");
      expect(label, "a code instead of a name").not.toMatch(/^\d+$/);
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, "analyst-county.png"), fullPage: true });
    await context.close();
  });

  it("fits a 390 px phone: no table overflows the screen, no name is squeezed", async () => {
    for (const role of ["school_admin", "insurance_officer", "analyst", "family_doctor"]) {
      const { context, page } = await openConsole(PHONE);
      await signInAs(page, role);
      await page.locator("main h1").waitFor();
      await expect.poll(() => page.locator(".loading").count(), { timeout: 15_000 }).toBe(0);
      const layout = (await page.evaluate(`(() => {
        const width = document.documentElement.clientWidth;
        const shown = (el) => el.getClientRects().length > 0;
        const tables = [...document.querySelectorAll("table")].filter(shown).map((t) => t.getBoundingClientRect());
        const fontSize = (el) => parseFloat(getComputedStyle(el).fontSize);
        const names = [...document.querySelectorAll(".name-cell, tbody th")].filter(shown).map((c) => ({
          width: c.getBoundingClientRect().width,
          min: 2 * fontSize(c),
          text: c.textContent,
        }));
        return {
          width,
          scrollWidth: document.documentElement.scrollWidth,
          tables: tables.map((r) => ({ left: r.left, right: r.right })),
          narrow: names.filter((n) => n.text.trim().length > 1 && n.width < n.min),
        };
      })()`)) as {
        width: number;
        scrollWidth: number;
        tables: { left: number; right: number }[];
        narrow: { text: string }[];
      };
      expect(layout.scrollWidth, `${role}: page scrolls sideways`).toBeLessThanOrEqual(layout.width);
      for (const table of layout.tables) {
        expect(table.left, role).toBeGreaterThanOrEqual(0);
        expect(table.right, role).toBeLessThanOrEqual(layout.width + 0.5);
      }
      expect(layout.narrow, `${role}: names squeezed`).toEqual([]);
      await page.screenshot({ path: path.join(SCREENSHOTS, `phone-${role}.png`) });
      await context.close();
    }
  });

  it("prints a class's uninsured list and the officer's gap list with title, date and page numbers", async () => {
    const { context, page } = await openConsole();
    await page.addInitScript("window.print = () => { window.__printed = (window.__printed || 0) + 1; }");
    await page.reload();
    await signInAs(page, "school_admin");
    await page.locator("table.roster tbody tr").first().waitFor();
    const school = (await page.locator(".school-name").textContent())!.replace(/\s*\(.*\)$/, "");
    // A class with an uninsured student: what the school prints.
    await page.getByLabel("参保状态").selectOption("UNINSURED_ANY");
    // A class is a grade's class (every grade has a 2班): "三年级2班".
    const grade = (await page.locator("table.roster tbody tr td:nth-child(3)").first().textContent())!;
    const className = `${grade}${(await page.locator("table.roster tbody tr td:nth-child(4)").first().textContent())!}`;
    await page.getByLabel("参保状态").selectOption("");
    await page.getByLabel("班级", { exact: true }).selectOption({ label: className });
    await page.getByRole("button", { name: "打印" }).click();
    await expect.poll(() => page.evaluate("window.__printed")).toBe(1);
    expect(await page.getByLabel("参保状态").inputValue()).toBe("UNINSURED_ANY");

    await page.emulateMedia({ media: "print" });
    const heading = page.locator(".print-heading h2");
    expect(await heading.isVisible()).toBe(true);
    const title = (await heading.textContent())!;
    expect(title).toContain(school);
    expect(title).toContain(`${className} 未参保学生名单（截至 `);
    expect(title).toMatch(/（截至 \d{4}年\d{1,2}月\d{1,2}日）$/);
    expect(await page.locator(".top-bar").isVisible()).toBe(false);
    const printed = await page
      .locator(".print-only table.roster tbody tr")
      .evaluateAll((rows) =>
        rows.map((r) => (r as unknown as { getAttribute(name: string): string | null }).getAttribute("data-status")),
      );
    expect(printed.length).toBeGreaterThan(0);
    for (const status of printed) expect(status).not.toBe("INSURED");
    // Page numbers at each page's foot, from the print stylesheet's @page counters.
    const pageRules = (await page.evaluate(`[...document.styleSheets].flatMap((sheet) =>
      [...sheet.cssRules].flatMap((rule) => (rule.cssRules ? [...rule.cssRules] : [rule])))
      .filter((rule) => rule.cssText.startsWith("@page")).map((rule) => rule.cssText)`)) as string[];
    expect(pageRules.join("\n")).toContain("counter(page)");
    const pdf = await page.pdf({ format: "A4" });
    expect(pdf.byteLength).toBeGreaterThan(1_000);
    await page.screenshot({ path: path.join(SCREENSHOTS, "print-class-uninsured.png"), fullPage: true });
    await context.close();

    const officer = await openConsole();
    await signInAs(officer.page, "insurance_officer");
    await officer.page.locator(".gap-list table tbody tr").first().waitFor();
    await officer.page.emulateMedia({ media: "print" });
    const gapTitle = officer.page.locator(".gap-list .print-heading h2");
    expect(await gapTitle.isVisible()).toBe(true);
    expect(await gapTitle.textContent()).toMatch(/参保缺口名单（截至 \d{4}年\d{1,2}月\d{1,2}日）$/);
    expect(await officer.page.locator(".chart").isVisible()).toBe(false);
    await officer.page.screenshot({ path: path.join(SCREENSHOTS, "print-gap-list.png"), fullPage: true });
    await officer.context.close();
  });

  it("opens GraphiQL with its schema, the role operations as tabs and a demo token picker", async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await page.goto(`${origin()}/graphiql`);
    await page.locator(".graphiql-container").waitFor({ timeout: 20_000 });
    expect(await page.locator("#identity-bar").isVisible()).toBe(true);
    expect(await page.locator("#identity option").count()).toBeGreaterThan(3);
    expect(await page.locator(".graphiql-tab").count()).toBeGreaterThanOrEqual(8);

    await page.getByRole("button", { name: /Show Documentation Explorer/i }).click();
    const docs = page.locator(".graphiql-doc-explorer");
    await docs.getByText("Query", { exact: true }).first().waitFor({ timeout: 15_000 });
    expect(await docs.textContent()).not.toMatch(/error|exceeds/i);
    await page.screenshot({ path: path.join(SCREENSHOTS, "graphiql.png") });
    // Variables filled in; the picker starts on the identity of the first tab's role.
    expect(await page.locator(".graphiql-editor-tool .graphiql-editor").first().textContent()).toContain("idNumber");
    expect(await page.locator("#identity").inputValue()).toBe(demoViewers(anchor).insurance_officer.subject);
    await context.close();
  });
});
