import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { demoViewers, type DemoAnchor } from "../../src/access/identity/demo.ts";
import { queryRows } from "../../src/db/client.ts";
import { lookupDivision } from "../../src/domain/division-codes.ts";
import { headersFor } from "../kit/auth.ts";
import { startConsoleUnderTest, type ConsoleUnderTest } from "../kit/console.ts";
import type { TestHub } from "../kit/gateway.ts";

const SCREENSHOTS = path.resolve(import.meta.dirname, "../../docs/screenshots");
const UNINSURED_STATUSES = ["NEWBORN_IN_WINDOW", "NEWBORN_OVERDUE", "LAPSED", "UNINSURED"];
/** The grades as a Chinese school names them (issue #22.5). */
const GRADE_NAMES: Record<number, string> = {
  1: "一年级",
  2: "二年级",
  3: "三年级",
  4: "四年级",
  5: "五年级",
  6: "六年级",
  7: "初一",
  8: "初二",
  9: "初三",
  10: "高一",
  11: "高二",
  12: "高三",
};

/**
 * The web console in headless Chromium against the hub on a loopback port, over a small demo
 * province as of today (what the console asks about): each person signs in with their demo
 * identity and does their job; every request the browser makes must go to the hub itself.
 */
describe("the web console in a real browser", () => {
  let under: ConsoleUnderTest;
  let hub: TestHub;
  let browser: Browser;
  let anchor: DemoAnchor;
  const requested: string[] = [];
  const origin = () => under.origin;

  beforeAll(async () => {
    under = await startConsoleUnderTest({ children: 600, seed: 3 });
    ({ hub, browser, anchor } = under);
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 120_000);
  afterAll(async () => under?.close());

  /** A fresh browser context (own storage) with every request recorded. */
  async function openConsole(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    context.on("request", (request) => void requested.push(request.url()));
    const page = await context.newPage();
    await page.goto(`${origin()}/console/`);
    return { context, page };
  }

  /** Signs in with a demo identity using the keyboard, as someone without a mouse would. */
  async function signInAs(page: Page, role: string) {
    const button = page.locator(`button.identity[data-role="${role}"]`);
    await button.focus();
    await page.keyboard.press("Enter");
    await page.locator(`.who[data-role="${role}"]`).waitFor();
  }

  /** A GraphQL request from inside the page, with the token the console holds: what the API says to this user. */
  async function askAsSignedIn(
    page: Page,
    query: string,
  ): Promise<{ data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] }> {
    const token = (await page.evaluate("sessionStorage.getItem('hub-console-token')")) as string;
    return (await page.evaluate(
      async ({ q, token }) =>
        (
          await fetch("/graphql", {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
            body: JSON.stringify({ query: q }),
          })
        ).json(),
      { q: query, token },
    )) as never;
  }

  it("offers the demo identities in Chinese by default, and English on request", async () => {
    const { context, page } = await openConsole();
    await page.locator('button.identity[data-role="school_admin"]').waitFor();
    expect(await page.locator("h1").textContent()).toBe("登录");
    expect(await page.getAttribute("html", "lang")).toBe("zh-CN");
    expect(await page.locator("label", { hasText: "访问令牌" }).count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, "sign-in.png"), fullPage: true });
    await page.getByRole("button", { name: "English" }).click();
    expect(await page.locator("h1").textContent()).toBe("Sign in");
    expect(await page.getAttribute("html", "lang")).toBe("en");
    await context.close();
  });

  it("a school administrator sees only their school and filters to the uninsured", async () => {
    const { context, page } = await openConsole();
    await signInAs(page, "school_admin");
    await page.locator("table.roster tbody tr").first().waitFor();
    expect(await page.locator(".school-name").getAttribute("data-school")).toBe(anchor.school);

    // Every listed student is one of the school's own registrations.
    const own = await hub.gateway.execute(
      `{ school(code: "${anchor.school}") { students(first: 500) { totalCount edges { node { studentNumber } } } } }`,
      {},
      await headersFor(demoViewers(anchor).school_admin),
    );
    const students = (
      own.data as { school: { students: { totalCount: number; edges: { node: { studentNumber: string } }[] } } }
    ).school.students;
    const ownNumbers = new Set(students.edges.map((e) => e.node.studentNumber));
    const shown = await page.locator("table.roster tbody tr td.mono:first-child").allTextContents();
    expect(shown.length).toBe(Math.min(50, students.totalCount));
    for (const number of shown) expect(ownNumbers.has(number), number).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, "school.png"), fullPage: true });

    // Another school's students: the API answers nothing, whatever the page would ask.
    const other = await hub.gateway.execute(
      `{ schools(region: "33", first: 50) { edges { node { code } } } }`,
      {},
      await headersFor(demoViewers(anchor).analyst),
    );
    const otherCode = (other.data as { schools: { edges: { node: { code: string } }[] } }).schools.edges
      .map((e) => e.node.code)
      .find((c) => c !== anchor.school)!;
    const refused = await askAsSignedIn(
      page,
      `{ school(code: "${otherCode}") { students(first: 5) { edges { node { name } } } } }`,
    );
    expect((refused.data as { school: { students: unknown } | null }).school?.students ?? null).toBeNull();

    // Filter to the uninsured: only rows with an uninsured status remain, as many as the school's counts say.
    const expected = (
      (
        await hub.gateway.execute(
          `{ school(code: "${anchor.school}") { coverage { statusCounts { status count } } } }`,
          {},
          await headersFor(demoViewers(anchor).school_admin),
        )
      ).data as {
        school: { coverage: { statusCounts: { status: string; count: number }[] } };
      }
    ).school.coverage.statusCounts
      .filter((c) => UNINSURED_STATUSES.includes(c.status))
      .reduce((n, c) => n + c.count, 0);
    expect(expected).toBeGreaterThan(0);
    await page.getByLabel("参保状态").selectOption({ label: "全部未参保" });
    const shownStatuses = () =>
      page
        .locator("table.roster tbody tr")
        .evaluateAll((rows) =>
          rows.map((r) => (r as unknown as { getAttribute(name: string): string | null }).getAttribute("data-status")),
        ); // the server tsconfig has no DOM lib
    // The filtered page arrives after the request it makes: wait for it rather than read the old rows.
    await expect.poll(async () => (await shownStatuses()).length, { timeout: 10_000 }).toBe(expected);
    const statuses = await shownStatuses();
    for (const status of statuses) expect(UNINSURED_STATUSES).toContain(status);
    expect(await page.locator("table.roster tbody tr td:last-child").first().textContent()).not.toBe("");
    await page.screenshot({ path: path.join(SCREENSHOTS, "school-uninsured.png"), fullPage: true });

    // The export holds what the filter shows.
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "导出 CSV" }).click(),
    ]);
    const csv = readFileSync(await download.path(), "utf8");
    expect(csv.startsWith("\uFEFF学籍号,姓名")).toBe(true);
    expect(csv.trim().split("\r\n")).toHaveLength(expected + 1);
    await context.close();
  });

  it("shows the school its pupils' masked 学籍号, cards that add up, the target, and names a class's export", async () => {
    const { context, page } = await openConsole();
    await signInAs(page, "school_admin");
    await page.locator("table.roster tbody tr").first().waitFor();
    const [school] = await queryRows<{ name: string }>(
      hub.database.db,
      sql`select name from education.schools where school_code = ${anchor.school}`,
    );
    const held = new Set(
      (
        await queryRows<{ student_number: string }>(
          hub.database.db,
          sql`select student_number from education.student_registrations where school_code = ${anchor.school}`,
        )
      ).map((r) => r.student_number),
    );

    // Each pupil's 学籍号 as DESIGN.md lets a school see it: masked like the ID number it holds
    // (a G number is "G" + the ID number), the number the education department holds behind it.
    const numbers = await page.locator("table.roster tbody tr td.mono:first-child").allTextContents();
    expect(numbers.length).toBeGreaterThan(0);
    const heldPrefixes = new Set([...held].map((n) => n.slice(0, 3)));
    for (const number of numbers) {
      expect(number).toMatch(/^[GJL]\d{2}\*{16}$/);
      expect(heldPrefixes.has(number.slice(0, 3)), number).toBe(true);
    }

    // The cards: 学生 = 已参保 (a duplicate enrollment is insured) + the uninsured cards; no newborn cards.
    const api = (
      await hub.gateway.execute(
        `{ school(code: "${anchor.school}") { coverage { children insured statusCounts { status count } } } }`,
        {},
        await headersFor(demoViewers(anchor).school_admin),
      )
    ).data as {
      school: { coverage: { children: number; insured: number; statusCounts: { status: string; count: number }[] } };
    };
    const count = (status: string) => api.school.coverage.statusCounts.find((c) => c.status === status)?.count ?? 0;
    expect(count("NEWBORN_IN_WINDOW") + count("NEWBORN_OVERDUE")).toBe(0);
    const cards = await page.locator(".summary .stat").evaluateAll((nodes) =>
      nodes.map((n) => {
        const text = (selector: string) =>
          (n as unknown as { querySelector(s: string): { textContent: string } | null }).querySelector(selector)
            ?.textContent ?? "";
        return { label: text(".stat-label"), value: text(".stat-value"), detail: text(".stat-detail") };
      }),
    );
    const value = (label: string) => Number(cards.find((c) => c.label === label)!.value.replaceAll(",", ""));
    expect(value("学生")).toBe(api.school.coverage.children);
    expect(value("已参保")).toBe(count("INSURED") + count("DUPLICATE"));
    const gapCards = cards.filter((c) => ["断保", "未参保", "新生儿待参保", "新生儿逾期未参保"].includes(c.label));
    expect(gapCards.map((c) => c.label).sort()).toEqual(["断保", "未参保"].sort());
    expect(value("已参保") + gapCards.reduce((n, c) => n + Number(c.value.replaceAll(",", "")), 0)).toBe(value("学生"));
    if (count("DUPLICATE") > 0)
      expect(cards.find((c) => c.label === "已参保")!.detail).toBe(`其中重复参保 ${count("DUPLICATE")} 人`);
    // The rate beside the overall target (95%), with how many more pupils it takes.
    const rate = cards.find((c) => c.label.startsWith("参保率"))!;
    expect(rate.label).toMatch(/^参保率 \(总体参保率目标 ≥ 95(\.0)?%\)$/);
    const shortfall = Math.max(0, Math.ceil(0.95 * api.school.coverage.children) - api.school.coverage.insured);
    expect(rate.detail).toBe(shortfall === 0 ? "达标" : `还差 ${shortfall.toLocaleString("en-US")} 人`);

    // One class's uninsured pupils, saved as 学校_年级班级_未参保_日期.csv.
    await page.getByLabel("参保状态").selectOption({ label: "全部未参保" });
    const first = page.locator("table.roster tbody tr").first();
    await first.waitFor();
    const grade = (await first.locator("td").nth(1).textContent())!;
    const className = (await first.locator("td").nth(2).textContent())!;
    expect(Object.values(GRADE_NAMES)).toContain(grade);
    await page.getByLabel("班级").selectOption({ label: `${grade}${className}` });
    const classes = () => page.locator("table.roster tbody tr td:nth-child(4)").allTextContents();
    await expect.poll(async () => (await classes()).every((c) => c === className), { timeout: 10_000 }).toBe(true);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "导出 CSV" }).click(),
    ]);
    const now = new Date();
    const today = [now.getFullYear(), now.getMonth() + 1, now.getDate()]
      .map((n) => String(n).padStart(2, "0"))
      .join("-");
    expect(download.suggestedFilename()).toBe(`${school!.name}_${grade}${className}_未参保_${today}.csv`);
    const rows = readFileSync(await download.path(), "utf8")
      .trim()
      .split("\r\n")
      .slice(1);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.split(",").slice(2, 4)).toEqual([grade, className]);
    await context.close();
  });

  it("a family doctor finds a patient by name and sees the deadline, days left and the watchlist", async () => {
    const doctor = demoViewers(anchor).family_doctor;
    const listed = await hub.gateway.execute(
      `{ familyDoctor(code: "${anchor.doctor}") {
          patients(first: 500) { edges { node { child { name coverage { deadline daysLeft } } } } } } }`,
      {},
      await headersFor(doctor),
    );
    const withDeadline = (
      listed.data as {
        familyDoctor: {
          patients: {
            edges: {
              node: { child: { name: string; coverage: { deadline: string | null; daysLeft: number | null } } | null };
            }[];
          };
        };
      }
    ).familyDoctor.patients.edges
      .map((e) => e.node.child)
      .find((c) => c?.coverage.deadline);
    expect(withDeadline, "the demo doctor has a patient with a newborn deadline").toBeDefined();

    const { context, page } = await openConsole();
    await signInAs(page, "family_doctor");
    await page.locator("#watch-heading").waitFor();
    await page.getByLabel("身份证号或姓名").fill(withDeadline!.name);
    await page.keyboard.press("Enter");
    const deadline = page.locator('[data-field="deadline"]');
    await deadline.waitFor();
    const [y, m, d] = withDeadline!.coverage.deadline!.split("-").map(Number);
    expect(await deadline.textContent()).toBe(`${y}年${m}月${d}日`);
    const days = withDeadline!.coverage.daysLeft!;
    expect(await page.locator('[data-field="days-left"]').textContent()).toBe(
      days < 0 ? `已逾期 ${-days} 天` : `${days} 天`,
    );
    expect(await page.locator("#patient-name").textContent()).toContain(withDeadline!.name);
    await page.screenshot({ path: path.join(SCREENSHOTS, "doctor.png"), fullPage: true });

    // The watchlist answered: newborns near their deadline, or a line saying there are none.
    await page.locator(".watchlist .loading").waitFor({ state: "detached" });
    expect(await page.locator(".watchlist .error").count()).toBe(0);
    expect(await page.locator(".watchlist table, .watchlist > p").count()).toBe(1);

    // In English, the same date in English.
    await page.getByRole("button", { name: "English" }).click();
    const month = new Date(Date.UTC(y!, m! - 1, d!)).toLocaleString("en", { month: "long", timeZone: "UTC" });
    expect(await deadline.textContent()).toBe(`${month} ${d}, ${y}`);
    expect(await page.locator("h1").textContent()).toBe("Contracted patients' coverage");
    await context.close();
  });

  it("an analyst sees the chart against the targets, drills down, and cannot open an individual child", async () => {
    const { context, page } = await openConsole();
    await signInAs(page, "analyst");
    const chart = page.locator('svg[data-testid="coverage-chart"]');
    await chart.waitFor();
    expect(await chart.locator("g[data-group]").count()).toBeGreaterThan(1);
    expect(await page.locator(".chart .target-label").textContent()).toContain("95.0%");
    expect(await page.locator("table.region-table tbody tr").count()).toBe(
      await chart.locator("g[data-group]").count(),
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, "analyst.png"), fullPage: true });

    // City → county → school.
    await page.locator("table.region-table tbody th button").first().click();
    await page.locator("nav.breadcrumbs li").nth(1).waitFor();
    await page.locator("table.region-table tbody th button").first().click();
    await page.locator("nav.breadcrumbs li").nth(2).waitFor();
    await page.locator("table.region-table tbody tr").first().waitFor();
    expect(await page.locator("table.region-table tbody th button").count()).toBe(0);

    // No child in the page: no gap list, no names, no way to open one…
    expect(await page.locator(".gap-list, .patient, .reviews").count()).toBe(0);
    // …and the API refuses it to this token anyway.
    const child = await askAsSignedIn(
      page,
      `{ childByIdNumber(idNumber: "${anchor.idNumber}") { name }
         coverageGaps(first: 5) { edges { node { child { name } } } } }`,
    );
    expect(child.data?.childByIdNumber ?? null).toBeNull();
    expect(child.data?.coverageGaps ?? null).toBeNull();
    expect(child.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN", "FORBIDDEN"]);
    await context.close();
  });

  it("an insurance officer gets the gap list with reasons and the link review queue", async () => {
    const { context, page } = await openConsole();
    await signInAs(page, "insurance_officer");
    await page.locator(".gap-list table tbody tr").first().waitFor();
    await page.locator("#reviews-heading").waitFor();
    await page.locator(".reviews .loading").waitFor({ state: "detached" });
    expect(await page.locator(".reviews .error").count()).toBe(0);
    expect(await page.locator(".gap-list tbody td:nth-child(5)").allTextContents()).toContainEqual(
      expect.stringMatching(/\S/),
    );

    // 居住地 and 责任单位 by name (issue #22.3): the division's GB/T 2260 name, the school's or the
    // doctor's as their departments hold them, an office by its division's name.
    const shown = await page.locator(".gap-list tbody tr").evaluateAll((rows) =>
      // Six: a client may ask at most 8 root fields in one operation (HUB_MAX_ROOT_FIELDS).
      rows.slice(0, 6).map((r) => {
        const row = r as unknown as {
          getAttribute(n: string): string | null;
          querySelectorAll(s: string): ArrayLike<{ textContent: string }>;
        };
        const cells = row.querySelectorAll("td");
        return { id: row.getAttribute("data-child")!, residence: cells[1]!.textContent, unit: cells[5]!.textContent };
      }),
    );
    expect(shown.length).toBeGreaterThan(0);
    const asked = await askAsSignedIn(
      page,
      `{ ${shown
        .map(
          (r, i) => `c${i}: child(id: "${r.id}") { residenceRegionCode coverage { responsibleActor responsibleCode } }`,
        )
        .join(" ")} }`,
    );
    expect(asked.errors ?? [], JSON.stringify(asked.errors)).toEqual([]);
    const ACTORS: Record<string, string> = {
      SCHOOL: "学校",
      FAMILY_DOCTOR: "家庭医生",
      INSURANCE_OFFICE: "医保经办机构",
      HOUSEHOLD_REGISTRATION: "户籍登记机关",
      MEDICAL_ASSISTANCE: "医疗救助经办机构",
    };
    for (const [i, row] of shown.entries()) {
      const child = asked.data![`c${i}`] as {
        residenceRegionCode: string | null;
        coverage: { responsibleActor: string; responsibleCode: string };
      };
      expect(row.residence).toBe(
        child.residenceRegionCode ? lookupDivision(child.residenceRegionCode)!.name : "居住地不明",
      );
      const { responsibleActor: actor, responsibleCode: code } = child.coverage;
      const [unit] =
        actor === "SCHOOL"
          ? await queryRows<{ name: string }>(
              hub.database.db,
              sql`select name from education.schools where school_code = ${code}`,
            )
          : actor === "FAMILY_DOCTOR"
            ? await queryRows<{ name: string }>(
                hub.database.db,
                sql`select institution || ' ' || name as name from health.family_doctors where doctor_code = ${code}`,
              )
            : [{ name: lookupDivision(code)!.name }];
      expect(row.unit).toBe(`${unit!.name}（${ACTORS[actor]}）`);
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, "insurance-office.png"), fullPage: true });
    await context.close();
  });

  it("sent every request to the hub itself: no CDN, no other host", () => {
    expect(requested.length).toBeGreaterThan(10);
    for (const url of requested) expect(new URL(url).origin, url).toBe(origin());
  });
});
