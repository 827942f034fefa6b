import { EvidenceGallery } from '../../components/Evidence';
import { Money } from '../../components/display';
import { useI18n } from '../../lib/i18n';
import type { CaseView } from '../../lib/types';
import { CaseChat } from './CaseChat';
import { CaseTimeline, MerchantAnswer, PlatformRecords, RequestFacts, Section } from './CaseParts';

/** The case's record as every reader sees it: both sides, the evidence, the platform's records, the messages and the timeline. */
export function CaseRecord({ c, titles }: { c: CaseView; titles: Record<string, string> }) {
  const { t } = useI18n();
  return (
    <>
      <div className="case-columns">
        <Section id="request-title" title={t('case.request')} aside={c.amount > 0 ? <Money fen={c.amount} /> : undefined}>
          <RequestFacts c={c} />
        </Section>
        <Section id="answer-title" title={t('case.merchantAnswer')}>
          <MerchantAnswer c={c} />
        </Section>
      </div>
      <Section id="evidence-title" title={t('case.evidence')}>
        <EvidenceGallery evidence={c.evidence} />
      </Section>
      <PlatformRecords c={c} />
      <CaseChat c={c} />
      <CaseTimeline c={c} titles={titles} />
    </>
  );
}
