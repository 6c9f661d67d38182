ALTER TABLE "hub"."coverage_status" ADD COLUMN "scope_places" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
-- Written by hand after the generated statement: the snapshots already stored get the places
-- their children have now (hub.child_scope but the derived residence), as a rebuild would give them.
UPDATE "hub"."coverage_status" s SET "scope_places" = p.places
  FROM (SELECT child_id, array_agg(DISTINCT facet || ':' || code ORDER BY facet || ':' || code) AS places
          FROM hub.child_scope WHERE facet <> 'residence' AND code IS NOT NULL GROUP BY child_id) p
 WHERE p.child_id = s.child_id;
