-- AlterTable
ALTER TABLE "CaseThread" ADD COLUMN     "reference" JSONB;

-- CreateTable
CREATE TABLE "ConversationRef" (
    "platform" "Platform" NOT NULL,
    "conversationId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "userId" TEXT,
    "reference" JSONB NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ConversationRef_pkey" PRIMARY KEY ("platform","conversationId")
);

-- CreateIndex
CREATE INDEX "ConversationRef_platform_tenantId_userId_idx" ON "ConversationRef"("platform", "tenantId", "userId");

