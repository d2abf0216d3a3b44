-- Service levels for cases filed before 20261127094645_service_levels: their first
-- response is the first public reply by vendor staff or a partner, so response-time
-- reports do not count the next reply after the upgrade as a late first response.
-- No due times are made up for them: their next-update clocks start with their next change.
UPDATE "Case" c
SET "firstRespondedAt" = first."at"
FROM (
    SELECT cm."caseId", min(cm."createdAt") AS "at"
    FROM "Comment" cm
    JOIN "Person" p ON p."id" = cm."authorId"
    WHERE cm."visibility" = 'PUBLIC' AND p."kind" IN ('ENGINEER', 'MANAGER', 'PARTNER_STAFF')
    GROUP BY cm."caseId"
) AS first
WHERE c."id" = first."caseId" AND c."firstRespondedAt" IS NULL;
