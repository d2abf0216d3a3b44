-- CreateEnum
CREATE TYPE "ThreadAudience" AS ENUM ('CUSTOMER', 'STAFF');

-- CreateTable
CREATE TABLE "CaseThread" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "platform" "Platform" NOT NULL,
    "tenantId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "threadId" TEXT NOT NULL,
    "audience" "ThreadAudience" NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CaseThread_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InboundEvent" (
    "platform" "Platform" NOT NULL,
    "eventId" TEXT NOT NULL,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "InboundEvent_pkey" PRIMARY KEY ("platform","eventId")
);

-- CreateTable
CREATE TABLE "DeliveryReceipt" (
    "notificationId" UUID NOT NULL,
    "target" TEXT NOT NULL,
    "externalId" TEXT,
    "deliveredAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "DeliveryReceipt_pkey" PRIMARY KEY ("notificationId","target")
);

-- CreateIndex
CREATE INDEX "CaseThread_caseId_idx" ON "CaseThread"("caseId");

-- CreateIndex
CREATE UNIQUE INDEX "CaseThread_platform_channelId_threadId_key" ON "CaseThread"("platform", "channelId", "threadId");

-- CreateIndex
CREATE INDEX "InboundEvent_receivedAt_idx" ON "InboundEvent"("receivedAt");

