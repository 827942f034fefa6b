import { useState, type FormEvent } from 'react';
import { ErrorNote, Notice } from '../../components/feedback';
import { Button, SelectField, TextArea } from '../../components/forms';
import { api } from '../../lib/api';
import { useAction } from '../../lib/hooks';
import { useI18n } from '../../lib/i18n';
import { Link } from '../../lib/router';
import type { OrderView } from '../../lib/types';

const commentLengthMax = 500;

/** 评价: the buyer rates a completed order once; the review then shows on the shop page. */
export function ReviewForm({ order, token, onReviewed }: { order: OrderView; token?: string; onReviewed(): void }) {
  const { t } = useI18n();
  const [rating, setRating] = useState('5');
  const [comment, setComment] = useState('');
  const [done, setDone] = useState(false);
  const submit = useAction(async () => {
    await api('POST', `/api/orders/${order.id}/review`, { token, body: { rating: Number(rating), ...(comment.trim() ? { comment: comment.trim() } : {}) } });
    setDone(true);
    onReviewed();
  });
  const shopLink = <Link to={`/shops/${order.shop.id}`}>{t('product.shopLink')}</Link>;
  if (order.review) {
    return (
      <section className="card" aria-labelledby="review-title">
        <h2 id="review-title">{t('review.title')}</h2>
        {done && <Notice kind="success">{t('review.done')}</Notice>}
        <p>{t('review.yours', { n: order.review.rating })} · {shopLink}</p>
        {order.review.comment && <p className="prewrap">{order.review.comment}</p>}
      </section>
    );
  }
  if (order.status !== 'completed') return null;
  const send = (event: FormEvent) => { event.preventDefault(); void submit.run(); };
  return (
    <section className="card" aria-labelledby="review-title">
      <h2 id="review-title">{t('review.title')}</h2>
      <form onSubmit={send}>
        <SelectField label={t('review.rating')} value={rating} onChange={(e) => setRating(e.target.value)} name="rating">
          {[5, 4, 3, 2, 1].map((n) => <option key={n} value={n}>{'★'.repeat(n)} {t('review.star', { n })}</option>)}
        </SelectField>
        <TextArea label={t('review.comment')} hint={t('review.commentHint')} value={comment} maxLength={commentLengthMax} rows={3} name="comment"
          onChange={(e) => setComment(e.target.value)} />
        <ErrorNote error={submit.error} />
        <Button type="submit" pending={submit.pending} pendingLabel={t('review.submitting')}>{t('review.submit')}</Button>
      </form>
    </section>
  );
}
