-- CreateTable
CREATE TABLE "TeamsInstallation" (
    "id" UUID NOT NULL,
    "tenantId" TEXT NOT NULL,
    "conversationId" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "teamId" TEXT,
    "serviceUrl" TEXT NOT NULL,
    "installerId" TEXT,
    "installedAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "removedAt" TIMESTAMPTZ(3),

    CONSTRAINT "TeamsInstallation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TeamsInstallation_conversationId_idx" ON "TeamsInstallation"("conversationId");

-- CreateIndex
CREATE UNIQUE INDEX "TeamsInstallation_tenantId_conversationId_key" ON "TeamsInstallation"("tenantId", "conversationId");

