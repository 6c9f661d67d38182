-- Where each master child is "placed" by its departments' current records: one row per
-- (child, facet, code). Row scopes (src/auth/row-scope.ts) are one filter on this view, so every
-- subgraph answers "may this viewer reach this child?" the same way, in one statement per batch.
--
-- A view, not a table: it is never stale after an import, a merge or a split. Department
-- subgraphs read it like the link table; in server mode a department's database role can be
-- granted SELECT on this view without any grant on another department's tables (a view runs
-- with its owner's rights).
--
--   facet                  code               from
--   hukou                  region (6 digits)  household.persons.hukou_region_code
--   residence_permit       region             household.persons.residence_region_code
--   school                 school code        education.student_registrations, ENROLLED
--   school_region          region             the school of an ENROLLED registration
--   student_record_region  region             the school of any registration
--   birth_certificate      region             health.birth_certificates.region_code
--   vaccination_site       region             the site keeping an immunization file
--   doctor                 doctor code        health.doctor_contracts, ACTIVE
--   doctor_region          region             the doctor of an ACTIVE contract
--   insurance_area         region             insurance.enrollments.area_code
CREATE VIEW "hub"."child_scope" AS
SELECT l.child_id, 'hukou'::text AS facet, p.hukou_region_code::text AS code
  FROM hub.links l JOIN household.persons p ON p.record_id = l.record_id
 WHERE l.source = 'household.person' AND l.unlinked_at IS NULL
UNION ALL
SELECT l.child_id, 'residence_permit'::text, p.residence_region_code::text
  FROM hub.links l JOIN household.persons p ON p.record_id = l.record_id
 WHERE l.source = 'household.person' AND l.unlinked_at IS NULL AND p.residence_region_code IS NOT NULL
UNION ALL
SELECT l.child_id, 'school'::text, s.school_code
  FROM hub.links l JOIN education.student_registrations s ON s.record_id = l.record_id
 WHERE l.source = 'education.student' AND l.unlinked_at IS NULL AND s.status = 'ENROLLED'
UNION ALL
SELECT l.child_id, 'school_region'::text, sc.region_code::text
  FROM hub.links l JOIN education.student_registrations s ON s.record_id = l.record_id
  JOIN education.schools sc ON sc.school_code = s.school_code
 WHERE l.source = 'education.student' AND l.unlinked_at IS NULL AND s.status = 'ENROLLED'
UNION ALL
SELECT l.child_id, 'student_record_region'::text, sc.region_code::text
  FROM hub.links l JOIN education.student_registrations s ON s.record_id = l.record_id
  JOIN education.schools sc ON sc.school_code = s.school_code
 WHERE l.source = 'education.student' AND l.unlinked_at IS NULL
UNION ALL
SELECT l.child_id, 'birth_certificate'::text, b.region_code::text
  FROM hub.links l JOIN health.birth_certificates b ON b.record_id = l.record_id
 WHERE l.source = 'health.birth_certificate' AND l.unlinked_at IS NULL
UNION ALL
SELECT l.child_id, 'vaccination_site'::text, vs.region_code::text
  FROM hub.links l JOIN health.immunization_records i ON i.record_id = l.record_id
  JOIN health.vaccination_sites vs ON vs.site_code = i.site_code
 WHERE l.source = 'health.immunization_record' AND l.unlinked_at IS NULL
UNION ALL
SELECT l.child_id, 'doctor'::text, c.doctor_code
  FROM hub.links l JOIN health.doctor_contracts c ON c.record_id = l.record_id
 WHERE l.source = 'health.doctor_contract' AND l.unlinked_at IS NULL AND c.status = 'ACTIVE'
UNION ALL
SELECT l.child_id, 'doctor_region'::text, d.region_code::text
  FROM hub.links l JOIN health.doctor_contracts c ON c.record_id = l.record_id
  JOIN health.family_doctors d ON d.doctor_code = c.doctor_code
 WHERE l.source = 'health.doctor_contract' AND l.unlinked_at IS NULL AND c.status = 'ACTIVE'
UNION ALL
SELECT l.child_id, 'insurance_area'::text, e.area_code::text
  FROM hub.links l JOIN insurance.enrollments e ON e.record_id = l.record_id
 WHERE l.source = 'insurance.enrollment' AND l.unlinked_at IS NULL;
