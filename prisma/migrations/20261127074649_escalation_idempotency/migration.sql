-- AlterTable
ALTER TABLE "Escalation" ADD COLUMN     "idempotencyKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Escalation_caseId_escalatedById_idempotencyKey_key" ON "Escalation"("caseId", "escalatedById", "idempotencyKey");

