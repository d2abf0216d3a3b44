-- CreateEnum
CREATE TYPE "AccountType" AS ENUM ('STANDARD', 'PARENT', 'SUB');

-- CreateEnum
CREATE TYPE "PersonKind" AS ENUM ('CONTACT', 'ENGINEER', 'MANAGER', 'PARTNER_STAFF');

-- CreateEnum
CREATE TYPE "Platform" AS ENUM ('slack', 'teams');

-- CreateEnum
CREATE TYPE "CaseType" AS ENUM ('FEATURE_REQUEST', 'HOW_TO', 'TECHNICAL_ISSUE');

-- CreateEnum
CREATE TYPE "Severity" AS ENUM ('S1', 'S2', 'S3', 'S4');

-- CreateEnum
CREATE TYPE "CaseStatus" AS ENUM ('NEW', 'IN_PROGRESS', 'PENDING', 'CLOSED');

-- CreateEnum
CREATE TYPE "CloseReason" AS ENUM ('RESOLVED', 'SOLUTION_PROVIDED', 'DUPLICATE', 'NO_RESPONSE', 'ACCOUNT_MATTERS', 'OTHER');

-- CreateEnum
CREATE TYPE "Visibility" AS ENUM ('PUBLIC', 'INTERNAL');

-- CreateEnum
CREATE TYPE "Source" AS ENUM ('slack', 'teams', 'cli', 'http', 'email', 'system');

-- CreateEnum
CREATE TYPE "EscalationReason" AS ENUM ('CASE_UPDATE_NEEDED', 'QUALITY_OF_INVESTIGATION', 'PROLONGED_RESOLUTION_TIME', 'TECHNICAL_SCOPE_INCREASED', 'PRIORITY_FOR_CUSTOMER_ORGANIZATION', 'REQUESTING_MANAGEMENT_ATTENTION');

-- CreateEnum
CREATE TYPE "PublicationKind" AS ENUM ('PRODUCT_UPDATE', 'RCA');

-- CreateEnum
CREATE TYPE "RecentKind" AS ENUM ('CASE', 'ACCOUNT', 'CONTACT');

-- CreateEnum
CREATE TYPE "NotificationStatus" AS ENUM ('PENDING', 'DELIVERED', 'FAILED', 'DEAD');

-- CreateTable
CREATE TABLE "Account" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "type" "AccountType" NOT NULL,
    "parentId" UUID,
    "seatLimit" INTEGER NOT NULL,
    "csmName" TEXT NOT NULL,
    "csmEmail" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Partner" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "supportChannel" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Partner_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Person" (
    "id" UUID NOT NULL,
    "kind" "PersonKind" NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "phone" TEXT,
    "accountId" UUID,
    "partnerId" UUID,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChatIdentity" (
    "id" UUID NOT NULL,
    "platform" "Platform" NOT NULL,
    "tenantId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "personId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ChatIdentity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Case" (
    "id" UUID NOT NULL,
    "number" SERIAL NOT NULL,
    "accountId" UUID NOT NULL,
    "caseType" "CaseType" NOT NULL,
    "severity" "Severity" NOT NULL,
    "priority" "Severity",
    "subject" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "product" TEXT NOT NULL,
    "feature" TEXT NOT NULL,
    "pid" TEXT,
    "exampleUrl" TEXT,
    "stepsToReproduce" TEXT,
    "credentialsSealed" TEXT,
    "credentialsPurgedAt" TIMESTAMPTZ(3),
    "contactId" UUID NOT NULL,
    "phone" TEXT,
    "cc" TEXT[],
    "status" "CaseStatus" NOT NULL,
    "statusChangedAt" TIMESTAMPTZ(3) NOT NULL,
    "reminderSentAt" TIMESTAMPTZ(3),
    "closedAt" TIMESTAMPTZ(3),
    "closeReason" "CloseReason",
    "closeNote" TEXT,
    "duplicateOfId" UUID,
    "linkedFromId" UUID,
    "ownerId" UUID,
    "partnerId" UUID,
    "recommendedCloseAt" TIMESTAMPTZ(3),
    "createdById" UUID NOT NULL,
    "idempotencyKey" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Case_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Comment" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "authorId" UUID,
    "body" TEXT NOT NULL,
    "visibility" "Visibility" NOT NULL,
    "source" "Source" NOT NULL,
    "externalId" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Comment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" BIGSERIAL NOT NULL,
    "caseId" UUID,
    "accountId" UUID,
    "actorId" UUID,
    "action" TEXT NOT NULL,
    "changes" JSONB NOT NULL,
    "source" "Source" NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Escalation" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "reason" "EscalationReason" NOT NULL,
    "description" TEXT NOT NULL,
    "escalatedById" UUID NOT NULL,
    "supportFeedback" TEXT,
    "acknowledgement" TEXT NOT NULL,
    "toManagement" BOOLEAN NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Escalation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "KnowledgeArticle" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "product" TEXT NOT NULL,
    "feature" TEXT,
    "tags" TEXT[],
    "body" TEXT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "retiredAt" TIMESTAMPTZ(3),

    CONSTRAINT "KnowledgeArticle_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Publication" (
    "id" UUID NOT NULL,
    "kind" "PublicationKind" NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "caseId" UUID,
    "publishedAt" TIMESTAMPTZ(3) NOT NULL,
    "publishedBy" UUID NOT NULL,

    CONSTRAINT "Publication_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RecentView" (
    "personId" UUID NOT NULL,
    "kind" "RecentKind" NOT NULL,
    "entityId" UUID NOT NULL,
    "viewedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RecentView_pkey" PRIMARY KEY ("personId","kind","entityId")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" UUID NOT NULL,
    "caseId" UUID,
    "event" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "NotificationStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "availableAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "deliveredAt" TIMESTAMPTZ(3),
    "lastError" TEXT,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Account_parentId_idx" ON "Account"("parentId");

-- CreateIndex
CREATE INDEX "Account_name_idx" ON "Account"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Partner_name_key" ON "Partner"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Person_email_key" ON "Person"("email");

-- CreateIndex
CREATE INDEX "Person_accountId_idx" ON "Person"("accountId");

-- CreateIndex
CREATE INDEX "Person_partnerId_idx" ON "Person"("partnerId");

-- CreateIndex
CREATE INDEX "ChatIdentity_personId_idx" ON "ChatIdentity"("personId");

-- CreateIndex
CREATE UNIQUE INDEX "ChatIdentity_platform_tenantId_userId_key" ON "ChatIdentity"("platform", "tenantId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "Case_number_key" ON "Case"("number");

-- CreateIndex
CREATE INDEX "Case_accountId_status_idx" ON "Case"("accountId", "status");

-- CreateIndex
CREATE INDEX "Case_contactId_status_idx" ON "Case"("contactId", "status");

-- CreateIndex
CREATE INDEX "Case_createdById_idx" ON "Case"("createdById");

-- CreateIndex
CREATE INDEX "Case_ownerId_status_idx" ON "Case"("ownerId", "status");

-- CreateIndex
CREATE INDEX "Case_partnerId_idx" ON "Case"("partnerId");

-- CreateIndex
CREATE INDEX "Case_status_statusChangedAt_idx" ON "Case"("status", "statusChangedAt");

-- CreateIndex
CREATE INDEX "Case_status_closedAt_idx" ON "Case"("status", "closedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Case_createdById_idempotencyKey_key" ON "Case"("createdById", "idempotencyKey");

-- CreateIndex
CREATE INDEX "Comment_caseId_createdAt_idx" ON "Comment"("caseId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Comment_source_externalId_key" ON "Comment"("source", "externalId");

-- CreateIndex
CREATE INDEX "AuditEntry_caseId_id_idx" ON "AuditEntry"("caseId", "id");

-- CreateIndex
CREATE INDEX "AuditEntry_accountId_id_idx" ON "AuditEntry"("accountId", "id");

-- CreateIndex
CREATE INDEX "Escalation_caseId_createdAt_idx" ON "Escalation"("caseId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "KnowledgeArticle_slug_key" ON "KnowledgeArticle"("slug");

-- CreateIndex
CREATE INDEX "KnowledgeArticle_product_idx" ON "KnowledgeArticle"("product");

-- CreateIndex
CREATE INDEX "Publication_kind_publishedAt_idx" ON "Publication"("kind", "publishedAt");

-- CreateIndex
CREATE INDEX "RecentView_personId_viewedAt_idx" ON "RecentView"("personId", "viewedAt");

-- CreateIndex
CREATE INDEX "Notification_status_availableAt_idx" ON "Notification"("status", "availableAt");

-- CreateIndex
CREATE INDEX "Notification_caseId_idx" ON "Notification"("caseId");

-- AddForeignKey
ALTER TABLE "Account" ADD CONSTRAINT "Account_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Person" ADD CONSTRAINT "Person_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Person" ADD CONSTRAINT "Person_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChatIdentity" ADD CONSTRAINT "ChatIdentity_personId_fkey" FOREIGN KEY ("personId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Case" ADD CONSTRAINT "Case_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Case" ADD CONSTRAINT "Case_contactId_fkey" FOREIGN KEY ("contactId") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Case" ADD CONSTRAINT "Case_duplicateOfId_fkey" FOREIGN KEY ("duplicateOfId") REFERENCES "Case"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Case" ADD CONSTRAINT "Case_linkedFromId_fkey" FOREIGN KEY ("linkedFromId") REFERENCES "Case"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Case" ADD CONSTRAINT "Case_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Case" ADD CONSTRAINT "Case_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Case" ADD CONSTRAINT "Case_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Comment" ADD CONSTRAINT "Comment_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Comment" ADD CONSTRAINT "Comment_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "Person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Escalation" ADD CONSTRAINT "Escalation_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Escalation" ADD CONSTRAINT "Escalation_escalatedById_fkey" FOREIGN KEY ("escalatedById") REFERENCES "Person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
-- Hand-written below this line.

-- Case numbers look like 00010001 and come from the sequence, so a number is never reused.
ALTER SEQUENCE "Case_number_seq" START WITH 10001 RESTART WITH 10001;

-- The audit trail is append-only: refuse every UPDATE, DELETE and TRUNCATE.
CREATE FUNCTION audit_entry_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'AuditEntry is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE OR DELETE ON "AuditEntry"
  FOR EACH ROW EXECUTE FUNCTION audit_entry_is_append_only();
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON "AuditEntry"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_is_append_only();
