-- hub.child_scope gains the `residence` facet (#18.19): where the child lives by coverage's one
-- residence rule, read from the latest coverage snapshot on or before today in China
-- (src/db/source-queries.ts). The insurance officer's rows are residence or registration.
-- Replaced in place, so grants on the view survive.
CREATE OR REPLACE VIEW "hub"."child_scope" AS (SELECT l.child_id, 'hukou'::text AS facet, x.hukou_region_code::text AS code
  FROM hub.links l JOIN household.persons x ON x.record_id = l.record_id
 WHERE l.source = 'household.person' AND l.unlinked_at IS NULL
UNION ALL
SELECT l.child_id, 'residence_permit'::text AS facet, x.residence_region_code::text AS code
  FROM hub.links l JOIN household.persons x ON x.record_id = l.record_id
 WHERE l.source = 'household.person' AND l.unlinked_at IS NULL AND x.residence_region_code IS NOT NULL
UNION ALL
SELECT l.child_id, 'birth_certificate'::text AS facet, x.region_code::text AS code
  FROM hub.links l JOIN health.birth_certificates x ON x.record_id = l.record_id
 WHERE l.source = 'health.birth_certificate' AND l.unlinked_at IS NULL
UNION ALL
SELECT l.child_id, 'vaccination_site'::text AS facet, vs.region_code::text AS code
  FROM hub.links l JOIN health.immunization_records x ON x.record_id = l.record_id join health.vaccination_sites vs on vs.site_code = x.site_code
 WHERE l.source = 'health.immunization_record' AND l.unlinked_at IS NULL
UNION ALL
SELECT l.child_id, 'doctor'::text AS facet, x.doctor_code::text AS code
  FROM hub.links l JOIN health.doctor_contracts x ON x.record_id = l.record_id
 WHERE l.source = 'health.doctor_contract' AND l.unlinked_at IS NULL AND x.status = 'ACTIVE'
UNION ALL
SELECT l.child_id, 'doctor_region'::text AS facet, fd.region_code::text AS code
  FROM hub.links l JOIN health.doctor_contracts x ON x.record_id = l.record_id join health.family_doctors fd on fd.doctor_code = x.doctor_code
 WHERE l.source = 'health.doctor_contract' AND l.unlinked_at IS NULL AND x.status = 'ACTIVE'
UNION ALL
SELECT l.child_id, 'school'::text AS facet, x.school_code::text AS code
  FROM hub.links l JOIN education.student_registrations x ON x.record_id = l.record_id
 WHERE l.source = 'education.student' AND l.unlinked_at IS NULL AND x.status = 'ENROLLED'
UNION ALL
SELECT l.child_id, 'school_region'::text AS facet, sc.region_code::text AS code
  FROM hub.links l JOIN education.student_registrations x ON x.record_id = l.record_id join education.schools sc on sc.school_code = x.school_code
 WHERE l.source = 'education.student' AND l.unlinked_at IS NULL AND x.status = 'ENROLLED'
UNION ALL
SELECT l.child_id, 'student_record_region'::text AS facet, sc.region_code::text AS code
  FROM hub.links l JOIN education.student_registrations x ON x.record_id = l.record_id join education.schools sc on sc.school_code = x.school_code
 WHERE l.source = 'education.student' AND l.unlinked_at IS NULL
UNION ALL
SELECT l.child_id, 'insurance_area'::text AS facet, x.area_code::text AS code
  FROM hub.links l JOIN insurance.enrollments x ON x.record_id = l.record_id
 WHERE l.source = 'insurance.enrollment' AND l.unlinked_at IS NULL
UNION ALL
SELECT s.child_id, 'residence'::text AS facet, s.residence_region_code::text AS code
  FROM hub.coverage_status s
 WHERE s.as_of = (SELECT max(d.as_of) FROM hub.coverage_snapshots d
                   WHERE d.as_of <= (now() AT TIME ZONE 'Asia/Shanghai')::date)
   AND s.residence_region_code IS NOT NULL);